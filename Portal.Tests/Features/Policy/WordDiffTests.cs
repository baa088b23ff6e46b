using Portal.Features.Policy;

namespace Portal.Tests.Features.Policy;

public sealed class WordDiffTests
{
    private static string Show(WordComparison words) => Show(words.Before) + " => " + Show(words.After);

    private static string Show(IEnumerable<WordRun> runs) => string.Concat(runs.Select(r => r.Change switch
    {
        WordChange.Removed => $"[-{r.Text}-]",
        WordChange.Added => $"{{+{r.Text}+}}",
        _ => r.Text,
    }));

    [Fact]
    public void A_changed_word_is_marked_removed_and_added_and_the_rest_is_kept()
    {
        var runs = WordDiff.Compare("Suppliers must publish the API.", "Suppliers should publish the API.");

        Assert.Equal("Suppliers [-must -]publish the API. => Suppliers {+should +}publish the API.", Show(runs));
    }

    [Fact]
    public void Joining_the_kept_and_removed_runs_gives_the_old_text_and_the_kept_and_added_runs_the_new()
    {
        const string before = "The API  is documented\nand tested, free of charge.";
        const string after = "The API is documented, tested\nand free of charge to every NHS body.";

        var runs = WordDiff.Compare(before, after);

        Assert.Equal(before, string.Concat(runs.Before.Select(r => r.Text)));
        Assert.Equal(after, string.Concat(runs.After.Select(r => r.Text)));
        Assert.Equal(["documented, tested\n", "charge to every NHS body."], runs.After.Where(r => r.Change == WordChange.Added).Select(r => r.Text));
        Assert.Equal(["documented\n", "tested, ", "charge."], runs.Before.Where(r => r.Change == WordChange.Removed).Select(r => r.Text));
    }

    [Fact]
    public void Text_added_to_an_empty_field_is_all_added()
    {
        Assert.Equal(" => {+New guidance.+}", Show(WordDiff.Compare("", "New guidance.")));
        Assert.Equal("[-Old guidance.-] => ", Show(WordDiff.Compare("Old guidance.", "")));
    }
}
