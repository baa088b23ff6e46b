namespace Portal.Features.Policy;

/// <summary>Whether a run of words is in both texts, only the old one, or only the new one.</summary>
public enum WordChange
{
    Same,
    Removed,
    Added,
}

/// <summary>A run of text (words and the spaces between them) that is kept, removed or added.</summary>
public sealed record WordRun(WordChange Change, string Text);

/// <summary>The old text as runs kept and removed, and the new text as runs kept and added, each joining back to its text.</summary>
public sealed record WordComparison(IReadOnlyList<WordRun> Before, IReadOnlyList<WordRun> After);

/// <summary>
/// Which words of a requirement's text a new catalogue version removes and adds, so an administrator reads the change
/// rather than hunting for it in two paragraphs. The longest common subsequence of words; catalogue fields are a few
/// hundred words at most, so the quadratic table is small.
/// </summary>
public static class WordDiff
{
    private const int MaxWords = 2_000;

    /// <remarks>Words are compared without the white space after them, so a changed line break or double space is not a change.</remarks>
    public static WordComparison Compare(string before, string after)
    {
        var a = Words(before);
        var b = Words(after);
        if (a.Count > MaxWords || b.Count > MaxWords)
        {
            // Too long to compare word by word cheaply: show it as replaced whole, which is still true.
            return new(Merge([new(WordChange.Removed, before)]), Merge([new(WordChange.Added, after)]));
        }

        var common = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                common[i, j] = string.Equals(a[i].Trim(), b[j].Trim(), StringComparison.Ordinal)
                    ? common[i + 1, j + 1] + 1
                    : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var old = new List<WordRun>();
        var next = new List<WordRun>();
        int x = 0, y = 0;
        while (x < a.Count && y < b.Count)
        {
            if (string.Equals(a[x].Trim(), b[y].Trim(), StringComparison.Ordinal))
            {
                old.Add(new(WordChange.Same, a[x++]));
                next.Add(new(WordChange.Same, b[y++]));
            }
            else if (common[x + 1, y] >= common[x, y + 1])
            {
                old.Add(new(WordChange.Removed, a[x++]));
            }
            else
            {
                next.Add(new(WordChange.Added, b[y++]));
            }
        }

        old.AddRange(a.Skip(x).Select(w => new WordRun(WordChange.Removed, w)));
        next.AddRange(b.Skip(y).Select(w => new WordRun(WordChange.Added, w)));
        return new(Merge(old), Merge(next));
    }

    /// <summary>Each word with the white space that follows it, so joining the runs gives the text back.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var endOfWord = !char.IsWhiteSpace(text[i]) && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]));
            if (!endOfWord)
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            words.Add(text[start..end]);
            start = end;
            i = end - 1;
        }

        if (start < text.Length)
        {
            words.Add(text[start..]);
        }

        return words;
    }

    private static List<WordRun> Merge(IEnumerable<WordRun> runs)
    {
        var merged = new List<WordRun>();
        foreach (var run in runs.Where(r => r.Text.Length > 0))
        {
            if (merged.Count > 0 && merged[^1].Change == run.Change)
            {
                merged[^1] = merged[^1] with { Text = merged[^1].Text + run.Text };
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged;
    }
}
