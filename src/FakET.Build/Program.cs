using FakET.Native;

// Build-time steps for the module. Usage:
//   FakET.Build glibcxx-compat <libLibTorchSharp.so>
return args switch
{
    ["glibcxx-compat", var path] => GlibcxxCompat(path),
    _ => Usage(),
};

static int GlibcxxCompat(string path)
{
    try
    {
        Console.WriteLine("FakET.Build: " + ElfWeakVersion.Apply(path).Message);
        return 0;
    }
    catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException)
    {
        Console.Error.WriteLine("FakET.Build: error: " + e.Message);
        return 1;
    }
}

static int Usage()
{
    Console.Error.WriteLine("usage: FakET.Build glibcxx-compat <path-to-libLibTorchSharp.so>");
    return 2;
}
