using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Microsoft's own T-SQL parser (ScriptDom, the one SQL Server's tools use) for proving SQL Server SQL on a machine
/// that cannot run SQL Server: the deployment script and the commands the services send.
/// </summary>
public static class TSql
{
    /// <summary>
    /// The SQL Server idempotent migration script operators apply. scripts/test.sh generates it with
    /// 'dotnet ef migrations script --idempotent' and names it in PORTAL_SQLSERVER_SCRIPT; run alone, a test generates
    /// the same script through the same migrator.
    /// </summary>
    public static string IdempotentScript()
    {
        var path = Environment.GetEnvironmentVariable("PORTAL_SQLSERVER_SCRIPT");
        if (!string.IsNullOrEmpty(path))
        {
            return File.ReadAllText(path);
        }

        using var db = SqlServerContext();
        return db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
    }

    /// <summary>A SQL Server context that is never connected: for the SQL it would send, not for running it.</summary>
    public static PortalDbContext SqlServerContext()
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(builder, new DatabaseOptions
        {
            Provider = DatabaseProvider.SqlServer,
            ConnectionString = "Server=(never-contacted);Database=Portal;Integrated Security=true;TrustServerCertificate=true",
        });
        return new PortalDbContext(builder.Options);
    }

    /// <summary>
    /// Parses <paramref name="sql"/> as SQL Server 2022 / Azure SQL does. With <paramref name="quotedIdentifiers"/>
    /// false (sqlcmd's default without -I), "double quoted" text is a string, not a name.
    /// </summary>
    public static (TSqlScript Script, IList<ParseError> Errors) Parse(string sql, bool quotedIdentifiers = true)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: quotedIdentifiers);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        return ((TSqlScript)fragment, errors);
    }

    /// <summary>The parse errors, each with its line and the line's text, for a failure message.</summary>
    public static string Describe(string sql, IEnumerable<ParseError> errors)
    {
        var lines = sql.Split('\n');
        return string.Join(Environment.NewLine, errors.Select(e =>
            $"line {e.Line}: {e.Message} near: {(e.Line >= 1 && e.Line <= lines.Length ? lines[e.Line - 1].Trim() : string.Empty)}"));
    }

    /// <summary>
    /// SQL Server compiles a whole batch (the text between GO lines) before running any of it, so a statement that
    /// reads or writes a column added earlier in the same batch fails to compile ("Invalid column name"), and data
    /// statements on a table created in the same batch lean on deferred name resolution. Each such use is named here,
    /// unless it is inside EXEC('...'), which is compiled only when it runs.
    /// </summary>
    public static IReadOnlyList<string> SameBatchUses(TSqlScript script)
    {
        var found = new List<string>();
        var batchNumber = 0;
        foreach (var batch in script.Batches)
        {
            batchNumber++;
            var added = new AddedInBatch();
            batch.Accept(added);
            if (added.Columns.Count == 0 && added.Tables.Count == 0)
            {
                continue;
            }

            var statements = new DataStatements();
            batch.Accept(statements);
            foreach (var statement in statements.Found)
            {
                var names = new NamesUsed();
                statement.Accept(names);
                var text = Text(statement);
                foreach (var table in names.Tables.Where(added.Tables.Contains))
                {
                    found.Add($"batch {batchNumber}, line {statement.StartLine}: uses table [{table}], created in the same batch: {text}");
                }

                foreach (var (table, column) in added.Columns.Where(c => names.Tables.Contains(c.Table) && names.Columns.Contains(c.Column)))
                {
                    found.Add($"batch {batchNumber}, line {statement.StartLine}: uses column [{table}].[{column}], added in the same batch: {text}");
                }
            }
        }

        return found;
    }

    /// <summary>The SQL inside each EXEC(N'...') of the script: the parser sees only a string, so it is parsed on its own.</summary>
    public static IReadOnlyList<string> ExecutedStrings(TSqlScript script)
    {
        var visitor = new ExecutedText();
        script.Accept(visitor);
        return visitor.Found;
    }

    private static string Text(TSqlFragment fragment) =>
        string.Concat(Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1)
            .Select(i => fragment.ScriptTokenStream[i].Text)).Trim();

    private static string Name(SchemaObjectName name) => name.BaseIdentifier.Value;

    /// <summary>The tables created and the columns added (ALTER TABLE ... ADD) in one batch.</summary>
    private sealed class AddedInBatch : TSqlFragmentVisitor
    {
        public HashSet<string> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<(string Table, string Column)> Columns { get; } = new(new NameComparer());

        public override void Visit(CreateTableStatement node) => Tables.Add(Name(node.SchemaObjectName));

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                Columns.Add((Name(node.SchemaObjectName), column.ColumnIdentifier.Value));
            }
        }
    }

    /// <summary>The data statements of a batch, at any depth (inside IF ... BEGIN ... END too); not DDL, which SQL Server resolves as it runs.</summary>
    private sealed class DataStatements : TSqlFragmentVisitor
    {
        public List<TSqlStatement> Found { get; } = [];

        public override void Visit(SelectStatement node) => Found.Add(node);

        public override void Visit(InsertStatement node) => Found.Add(node);

        public override void Visit(UpdateStatement node) => Found.Add(node);

        public override void Visit(DeleteStatement node) => Found.Add(node);

        public override void Visit(MergeStatement node) => Found.Add(node);
    }

    /// <summary>The tables and columns one statement names. EXEC('...') text is a string literal to the parser, so never seen here.</summary>
    private sealed class NamesUsed : TSqlFragmentVisitor
    {
        public HashSet<string> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> Columns { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(NamedTableReference node) => Tables.Add(Name(node.SchemaObject));

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier is { Count: > 0 } name)
            {
                Columns.Add(name.Identifiers[^1].Value);
            }
        }
    }

    private sealed class ExecutedText : TSqlFragmentVisitor
    {
        public List<string> Found { get; } = [];

        public override void Visit(ExecutableStringList node)
        {
            if (node.Strings.All(s => s is StringLiteral))
            {
                Found.Add(string.Concat(node.Strings.Cast<StringLiteral>().Select(s => s.Value)));
            }
        }
    }

    private sealed class NameComparer : IEqualityComparer<(string Table, string Column)>
    {
        public bool Equals((string Table, string Column) x, (string Table, string Column) y) =>
            string.Equals(x.Table, y.Table, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Column, y.Column, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Table, string Column) obj) =>
            HashCode.Combine(obj.Table.ToUpperInvariant(), obj.Column.ToUpperInvariant());
    }
}
