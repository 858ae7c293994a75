using FakET.Build.Help;
using FakET.Native;

// Build-time steps for the module. Usage:
//   FakET.Build glibcxx-compat <libLibTorchSharp.so>
//   FakET.Build help <cmdlets.dll> <cmdlets.xml> <out-Help.xml> [--references <list>] [--sources <folder>]
return args switch
{
    ["glibcxx-compat", var path] => GlibcxxCompat(path),
    ["help", .. var rest] => HelpCommand.Run(rest),
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
    Console.Error.WriteLine("usage: FakET.Build glibcxx-compat <path-to-libLibTorchSharp.so>\n       " + HelpCommand.Usage);
    return 2;
}
