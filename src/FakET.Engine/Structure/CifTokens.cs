namespace FakET.Structures;

/// <summary>What a CIF token is.</summary>
internal enum CifTokenKind { Value, Tag, Loop, Data, Save, Global, Stop, End }

/// <summary>One token: where it stands in the text (the quotes of a quoted value excluded) and on which line.</summary>
internal readonly record struct CifToken(CifTokenKind Kind, int Start, int Length, int Line, bool Quoted)
{
    /// <summary>An unquoted '?' (unknown) or '.' (not applicable).</summary>
    public bool IsMissing(string text) => !Quoted && Length == 1 && text[Start] is '?' or '.';
}

/// <summary>
/// The CIF 1.1 syntax that mmCIF files use, read token by token over the whole text: white-space separated values,
/// values in single or double quotes (closed by the quote followed by white space), text fields between lines that
/// begin with a semicolon, comments from '#' to the end of the line, tags (_category.item) and the reserved words
/// data_, loop_, save_, global_ and stop_.
/// </summary>
internal sealed class CifTokens(string text, string file)
{
    int _at, _line = 1;
    bool _lineStart = true;

    public string Text => text;
    public string File => file;

    public CifToken Next()
    {
        while (true)
        {
            if (_at >= text.Length) return new CifToken(CifTokenKind.End, text.Length, 0, _line, false);
            char c = text[_at];
            if (c == '\n') { _line++; _at++; _lineStart = true; continue; }
            if (c is ' ' or '\t' or '\r') { _at++; _lineStart = false; continue; }
            if (c == '#')
            {
                while (_at < text.Length && text[_at] != '\n') _at++;
                continue;
            }
            break;
        }
        int line = _line;
        char first = text[_at];
        if (first == ';' && _lineStart) return TextField(line);
        _lineStart = false;
        if (first is '\'' or '"')
        {
            int start = _at + 1, i = start;
            while (true)
            {
                if (i >= text.Length || text[i] == '\n')
                    throw StructureFile.ParseError(file, line, $"a value opened with {first} is not closed on its line");
                if (text[i] == first && (i + 1 >= text.Length || char.IsWhiteSpace(text[i + 1]))) break;
                i++;
            }
            _at = i + 1;
            return new CifToken(CifTokenKind.Value, start, i - start, line, true);
        }
        int begin = _at;
        while (_at < text.Length && !char.IsWhiteSpace(text[_at])) _at++;
        var word = text.AsSpan(begin, _at - begin);
        var kind = first == '_' ? CifTokenKind.Tag
            : word.StartsWith("data_", StringComparison.OrdinalIgnoreCase) ? CifTokenKind.Data
            : word.Equals("loop_", StringComparison.OrdinalIgnoreCase) ? CifTokenKind.Loop
            : word.StartsWith("save_", StringComparison.OrdinalIgnoreCase) ? CifTokenKind.Save
            : word.Equals("global_", StringComparison.OrdinalIgnoreCase) ? CifTokenKind.Global
            : word.Equals("stop_", StringComparison.OrdinalIgnoreCase) ? CifTokenKind.Stop
            : CifTokenKind.Value;
        return new CifToken(kind, begin, _at - begin, line, false);
    }

    /// <summary>A text field: from after the opening semicolon to the line that begins with the closing one.</summary>
    CifToken TextField(int line)
    {
        int start = _at + 1;
        int i = start;
        while (true)
        {
            int newline = text.IndexOf('\n', i);
            if (newline < 0) throw StructureFile.ParseError(file, line, "a text field opened with ';' is never closed");
            _line++;
            i = newline + 1;
            if (i < text.Length && text[i] == ';')
            {
                _at = i + 1;
                _lineStart = false;
                int end = newline > start && text[newline - 1] == '\r' ? newline - 1 : newline;
                return new CifToken(CifTokenKind.Value, start, Math.Max(0, end - start), line, true);
            }
        }
    }
}
