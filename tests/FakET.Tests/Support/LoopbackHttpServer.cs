using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FakET.Tests.Support;

/// <summary>What the loopback server sends for a request: a status, a body, and optionally fewer body bytes than
/// Content-Length announces (the connection then closes early, as a broken download would).</summary>
public sealed record LoopbackResponse(int Status, byte[] Body, int? SendOnly = null);

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a port the system picks), for testing downloads without leaving
/// the machine. Each connection gets one response, then closes.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly Func<string, LoopbackResponse> _respond;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    int _requests;

    public LoopbackHttpServer(Func<string, LoopbackResponse> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public Uri Address(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{path.TrimStart('/')}");

    /// <summary>Requests served so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => Answer(client));
        }
    }

    async Task Answer(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    int read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                Interlocked.Increment(ref _requests);
                string path = request.ToString().Split(' ')[1];
                var response = _respond(path);
                string head = $"HTTP/1.1 {response.Status} {(response.Status == 200 ? "OK" : "Error")}\r\n" +
                              $"Content-Length: {response.Body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(response.Body.AsMemory(0, response.SendOnly ?? response.Body.Length), _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
