using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;
using Portal.Features;
using Portal.Features.Policy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Policy;

public sealed class CatalogueImportServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _administrator = default!;
    private Caller _officer = default!;
    private PolicyCatalogueService _catalogue = default!;
    private CatalogueImportService _import = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _administrator = await TestCallers.ForAsync(_database, TestCallers.Administrator);
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _catalogue = new PolicyCatalogueService(_database);
        _import = new CatalogueImportService(_database, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>The current version as exported, relabelled and with one requirement changed, added and removed.</summary>
    private async Task<CatalogueDocument> RevisedCatalogueAsync(string label)
    {
        var current = (await _catalogue.ExportAsync(_officer, (await _catalogue.CurrentVersionAsync(_officer))!.Id))!;
        var requirements = current.Requirements
            .Where(r => r.Id != "202.22")
            .Select(r => r.Id == "P.1" ? r with { Title = "Functional coverage (revised)" } : r)
            .Select(r => r with { Related = r.Related.Where(id => id != "202.22").ToList() })
            .Append(current.Requirements[0] with { Id = "P.10", Title = "A new statement", Related = [] })
            .ToList();
        return current with { Version = label, Requirements = requirements };
    }

    [Fact]
    public async Task A_catalogue_requirement_whose_text_is_a_formula_is_escaped_in_the_csv()
    {
        var current = (await _catalogue.ExportAsync(_officer, (await _catalogue.CurrentVersionAsync(_officer))!.Id))!;
        var document = current with { Requirements = [current.Requirements[0] with { Title = "=HYPERLINK(\"http://attacker.example\")", Statement = "@SUM(1)" }, .. current.Requirements.Skip(1)] };

        using var reader = CsvHelper.CsvReader.Create(Encoding.UTF8.GetBytes(CatalogueCsv.Write(document)));
        var fields = new List<string>(reader.Headers.ToArray());
        while (reader.Read())
        {
            fields.AddRange(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString));
        }

        Assert.Contains("'=HYPERLINK(\"http://attacker.example\")", fields);
        Assert.DoesNotContain(fields, f => f.Length > 0 && "=+-@\t\r".Contains(f[0], StringComparison.Ordinal));
    }

    private static byte[] Json(CatalogueDocument document) => Encoding.UTF8.GetBytes(CatalogueJson.Write(document));

    [Fact]
    public async Task Exporting_and_reimporting_json_gives_identical_content()
    {
        var versionId = (await _catalogue.CurrentVersionAsync(_officer))!.Id;
        var exported = (await _catalogue.ExportAsync(_officer, versionId))!;

        var outcome = await _import.ImportDraftAsync(_administrator, "copy.json", Json(exported with { Version = "2014-05-copy" }));
        var reexported = (await _catalogue.ExportAsync(_administrator, outcome.Value!.DraftVersionId))!;

        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Problems));
        Assert.Equal(CatalogueJson.Write(exported with { Version = "x" }), CatalogueJson.Write(reexported with { Version = "x" }));
        var preview = (await _import.PreviewAsync(_administrator, outcome.Value.DraftVersionId))!;
        Assert.False(preview.Diff.HasChanges);
        Assert.Equal(107, preview.Diff.Unchanged);
    }

    [Fact]
    public async Task A_new_version_is_previewed_against_the_published_one_before_it_is_published()
    {
        var outcome = await _import.ImportDraftAsync(_administrator, "revised.json", Json(await RevisedCatalogueAsync("2026-01")));

        var preview = (await _import.PreviewAsync(_administrator, outcome.Value!.DraftVersionId))!;

        Assert.Equal(preview, outcome.Value with { Diff = preview.Diff });
        Assert.Equal(preview.Diff.Added, outcome.Value.Diff.Added);
        Assert.Equal("2014-05", preview.ComparedWith);
        Assert.Equal(["P.10"], preview.Diff.Added.Select(a => a.Code));
        Assert.Equal(["202.22"], preview.Diff.Removed.Select(a => a.Code));
        var title = Assert.Single(Assert.Single(preview.Diff.Changed, c => c.Code == "P.1").Fields);
        Assert.Equal("title", title.Name);
        Assert.Equal("Functional coverage (revised)", title.After);
        Assert.NotEqual(title.After, title.Before);
        Assert.Equal("2014-05", (await _catalogue.CurrentVersionAsync(_officer))!.Label);
    }

    [Fact]
    public async Task Publishing_a_draft_retires_the_version_it_replaces_and_records_who_did_it()
    {
        var outcome = await _import.ImportDraftAsync(_administrator, "revised.yaml", Json(await RevisedCatalogueAsync("2026-01")));

        var published = await _import.PublishAsync(_administrator, outcome.Value!.DraftVersionId);

        Assert.True(published.Succeeded, published.Message);
        Assert.Equal(FrameworkVersionStatus.Published, published.Value!.Status);
        Assert.Equal("2026-01", published.Value.Label);
        Assert.Equal("2026-01", (await _catalogue.CurrentVersionAsync(_officer))!.Label);
        await using var db = _database.CreateDbContext();
        var old = await db.FrameworkVersions.SingleAsync(v => v.Label == "2014-05");
        Assert.Equal(FrameworkVersionStatus.Retired, old.Status);
        Assert.Equal(107, await db.PolicyRequirements.CountAsync(r => r.FrameworkVersionId == old.Id));
        var audit = await db.AuditEvents.Where(e => e.Action == "CatalogueVersionPublished" && e.ActorUserId == _administrator.UserId).SingleAsync();
        Assert.Contains("retiring version 2014-05", audit.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_reviewed_against_a_version_that_has_since_been_replaced_is_not_published_unseen()
    {
        var first = await _import.ImportDraftAsync(_administrator, "first.json", Json(await RevisedCatalogueAsync("2026-01")));
        var second = await _import.ImportDraftAsync(_administrator, "second.json", Json(await RevisedCatalogueAsync("2026-02")));
        var reviewed = new CatalogueImportService.ReviewedAgainst(second.Value!.ComparedWithId);

        Assert.True((await _import.PublishAsync(_administrator, first.Value!.DraftVersionId, new(first.Value.ComparedWithId))).Succeeded);
        var stale = await _import.PublishAsync(_administrator, second.Value.DraftVersionId, reviewed);

        Assert.Equal(OutcomeKind.Stale, stale.Kind);
        Assert.Equal("Version 2026-01 was published since you reviewed this draft. Review what version 2026-02 changes against it, then publish.", stale.Message);
        Assert.Equal("2026-01", (await _catalogue.CurrentVersionAsync(_officer))!.Label);
        var again = (await _import.PreviewAsync(_administrator, second.Value.DraftVersionId))!;
        Assert.Equal("2026-01", again.ComparedWith);
        Assert.True((await _import.PublishAsync(_administrator, second.Value.DraftVersionId, new(again.ComparedWithId))).Succeeded);
    }

    [Fact]
    public async Task A_published_version_cannot_be_published_again_or_discarded()
    {
        var current = (await _catalogue.CurrentVersionAsync(_officer))!.Id;

        Assert.Equal(OutcomeKind.Conflict, (await _import.PublishAsync(_administrator, current)).Kind);
        Assert.Equal(OutcomeKind.Conflict, (await _import.DiscardAsync(_administrator, current)).Kind);
        Assert.NotNull(await _catalogue.CurrentVersionAsync(_officer));
    }

    [Fact]
    public async Task A_file_reusing_an_existing_version_label_is_refused()
    {
        var outcome = await _import.ImportDraftAsync(_administrator, "same.json", Json(await RevisedCatalogueAsync("2014-05")));

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Contains("already has a version 2014-05", Assert.Single(outcome.Problems, p => p.Key == "version").Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("catalogue.txt", "Choose a catalogue file ending .yaml, .yml or .json.")]
    [InlineData("catalogue.exe", "Choose a catalogue file ending .yaml, .yml or .json.")]
    public async Task A_file_of_another_type_is_refused(string fileName, string message)
    {
        var outcome = await _import.ImportDraftAsync(_administrator, fileName, Encoding.UTF8.GetBytes("version: 1"));

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Equal(message, Assert.Single(outcome.Problems, p => p.Key == "file").Value);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_or_too_large_is_refused()
    {
        var notText = await _import.ImportDraftAsync(_administrator, "c.yaml", [0xFF, 0xFE, 0x00, 0xD8]);
        var tooLarge = await _import.ImportDraftAsync(_administrator, "c.yaml", new byte[CatalogueImportService.MaxFileBytes + 1]);

        Assert.Contains("not UTF-8", Assert.Single(notText.Problems, p => p.Key == "file").Value, StringComparison.Ordinal);
        Assert.Contains("at most 2 MB", Assert.Single(tooLarge.Problems, p => p.Key == "file").Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drafts_are_hidden_from_everyone_but_administrators()
    {
        var outcome = await _import.ImportDraftAsync(_administrator, "revised.json", Json(await RevisedCatalogueAsync("2026-01")));
        var draftId = outcome.Value!.DraftVersionId;

        Assert.Null(await _catalogue.VersionAsync(_officer, draftId));
        Assert.Empty(await _catalogue.RequirementsAsync(_officer, draftId));
        Assert.Null(await _catalogue.ExportAsync(_officer, draftId));
        Assert.DoesNotContain(await _catalogue.ListVersionsAsync(_officer), v => v.Id == draftId);
        Assert.NotNull(await _catalogue.VersionAsync(_administrator, draftId));
    }

    [Fact]
    public async Task Only_an_administrator_may_import_publish_or_discard()
    {
        var outcome = await _import.ImportDraftAsync(_administrator, "revised.json", Json(await RevisedCatalogueAsync("2026-01")));
        var another = Json(await RevisedCatalogueAsync("2026-02"));

        var draftId = outcome.Value!.DraftVersionId;

        Assert.Equal(OutcomeKind.Forbidden, (await _import.ImportDraftAsync(_officer, "x.json", another)).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _import.PublishAsync(_officer, draftId)).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _import.DiscardAsync(_officer, draftId)).Kind);
        await Assert.ThrowsAsync<AccessDeniedException>(() => _import.PreviewAsync(_officer, draftId));
        Assert.NotNull(await _import.PreviewAsync(_administrator, draftId));
        Assert.DoesNotContain(await _catalogue.ListVersionsAsync(_administrator), v => v.Label == "2026-02");
    }

    [Fact]
    public async Task Discarding_a_draft_removes_it_and_keeps_the_published_version()
    {
        var outcome = await _import.ImportDraftAsync(_administrator, "revised.json", Json(await RevisedCatalogueAsync("2026-01")));

        var discarded = await _import.DiscardAsync(_administrator, outcome.Value!.DraftVersionId);

        Assert.True(discarded.Succeeded);
        Assert.Null(await _import.PreviewAsync(_administrator, outcome.Value.DraftVersionId));
        Assert.Equal("2014-05", (await _catalogue.CurrentVersionAsync(_officer))!.Label);
    }

    [Fact]
    public async Task A_caller_without_a_portal_role_cannot_read_the_catalogue()
    {
        var noRole = _officer with { Roles = new HashSet<string>() };

        await Assert.ThrowsAsync<AccessDeniedException>(() => _catalogue.CurrentVersionAsync(noRole));
    }

    [Fact]
    public async Task Publishing_or_discarding_a_version_that_does_not_exist_is_not_found()
    {
        Assert.Equal(OutcomeKind.NotFound, (await _import.PublishAsync(_administrator, 99_999)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _import.DiscardAsync(_administrator, 99_999)).Kind);
    }

    [Fact]
    public async Task Every_problem_in_an_invalid_file_is_kept_by_its_line_and_field()
    {
        var outcome = await _import.ImportDraftAsync(_administrator, "broken.yaml", Encoding.UTF8.GetBytes("framework: {}\nversion: ''\n"));
        var expected = CatalogueReader.Read("framework: {}\nversion: ''\n").Problems;

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.True(expected.Count > 1);
        Assert.Equal(CatalogueImportService.ProblemsByPlace(expected), outcome.Problems);
        Assert.All(expected, p => Assert.Contains(p.Message, outcome.Problems[p.Line is { } line ? $"Line {line}, {p.Field}" : p.Field], StringComparison.Ordinal));
        Assert.DoesNotContain(await _catalogue.ListVersionsAsync(_administrator), v => v.Status == FrameworkVersionStatus.Draft);
    }
}
