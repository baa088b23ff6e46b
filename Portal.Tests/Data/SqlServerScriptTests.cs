using Portal.Tests.TestSupport;

namespace Portal.Tests.Data;

/// <summary>
/// The SQL Server idempotent script, proven with Microsoft's own T-SQL parser since no SQL Server runs here: it parses
/// whether or not the session quotes identifiers, and no batch uses what it adds itself.
/// </summary>
public sealed class SqlServerScriptTests
{
    // The AuditChain migration as it first shipped: the column is added and filled in one batch, which SQL Server
    // refuses to compile ("Invalid column name 'Sequence'"), and its double-quoted names are strings without -I.
    private const string SameBatchDefect = """
        BEGIN TRANSACTION;
        IF NOT EXISTS (SELECT * FROM [__EFMigrationsHistory] WHERE [MigrationId] = N'20261125042937_AuditChain')
        BEGIN
            ALTER TABLE [AuditEvents] ADD [Sequence] bigint NOT NULL DEFAULT CAST(0 AS bigint);
        END;

        IF NOT EXISTS (SELECT * FROM [__EFMigrationsHistory] WHERE [MigrationId] = N'20261125042937_AuditChain')
        BEGIN
            UPDATE "AuditEvents" SET "Sequence" = "Id";
        END;
        COMMIT;
        GO
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Idempotent_script_parses_with_quoted_identifiers_on_and_off(bool quotedIdentifiers)
    {
        var script = TSql.IdempotentScript();

        var (parsed, errors) = TSql.Parse(script, quotedIdentifiers);

        Assert.True(errors.Count == 0,
            $"The SQL Server script does not parse with QUOTED_IDENTIFIER {(quotedIdentifiers ? "ON" : "OFF")}:{Environment.NewLine}{TSql.Describe(script, errors)}");
        Assert.True(parsed.Batches.Count > 10, $"Expected the script's GO-separated batches; found {parsed.Batches.Count}.");
        Assert.All(TSql.ExecutedStrings(parsed), sql =>
        {
            var (_, inner) = TSql.Parse(sql, quotedIdentifiers);
            Assert.True(inner.Count == 0, $"EXEC(N'{sql}') does not parse:{Environment.NewLine}{TSql.Describe(sql, inner)}");
        });
    }

    [Fact]
    public void No_batch_of_the_idempotent_script_uses_a_column_or_table_it_adds()
    {
        var script = TSql.IdempotentScript();
        var (parsed, errors) = TSql.Parse(script);
        Assert.Empty(errors);

        var uses = TSql.SameBatchUses(parsed);

        Assert.True(uses.Count == 0,
            "SQL Server compiles a batch before running it; run these data steps through EXEC(N'...') in the migration:"
            + Environment.NewLine + string.Join(Environment.NewLine, uses));
    }

    [Fact]
    public void Same_batch_check_finds_a_column_filled_in_the_batch_that_adds_it()
    {
        var (parsed, errors) = TSql.Parse(SameBatchDefect);
        Assert.Empty(errors);

        var uses = TSql.SameBatchUses(parsed);

        var use = Assert.Single(uses);
        Assert.Contains("[AuditEvents].[Sequence]", use, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_batch_check_finds_a_table_filled_in_the_batch_that_creates_it_and_passes_exec()
    {
        const string sql = """
            CREATE TABLE [Scores] ([Id] int NOT NULL);
            INSERT INTO Scores (Id) SELECT Id FROM Assessments;
            EXEC(N'INSERT INTO [Scores] ([Id]) SELECT [Id] FROM [Assessments];');
            GO
            INSERT INTO Scores (Id) SELECT Id FROM Assessments;
            GO
            """;
        var (parsed, errors) = TSql.Parse(sql);
        Assert.Empty(errors);

        var uses = TSql.SameBatchUses(parsed);

        var use = Assert.Single(uses);
        Assert.StartsWith("batch 1, line 2: uses table [Scores]", use, StringComparison.Ordinal);
    }

    [Fact]
    public void Double_quoted_names_are_strings_without_quoted_identifiers()
    {
        var (_, errors) = TSql.Parse(SameBatchDefect, quotedIdentifiers: false);

        Assert.NotEmpty(errors);
    }
}
