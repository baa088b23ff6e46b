using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Contexts on the SQL Server provider over a connection that never reaches a server: every command the services send
/// is written down and answered with one row of placeholder values (1, "1", which also reads as an enum's value, a
/// fixed date), or one row affected, so a service goes on past its first lookup to the commands that follow. What is
/// captured is SQL Server's SQL exactly as EF would send it, for ScriptDom to parse.
/// </summary>
public sealed class UnconnectedSqlServer : IDbContextFactory<PortalDbContext>
{
    private const string ConnectionString = "Server=(never-contacted);Database=Portal;Integrated Security=true;TrustServerCertificate=true";

    private readonly ConcurrentQueue<string> _commands = new();

    public IReadOnlyList<string> Commands => [.. _commands];

    /// <summary>What ended the last capture early, if anything.</summary>
    public Exception? StoppedBy { get; private set; }

    public PortalDbContext CreateDbContext()
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        // As DatabaseSetup configures SQL Server (retrying execution strategy included), on the capturing connection.
        builder.UseSqlServer(
            new CapturingConnection(_commands),
            sql => sql.MigrationsAssembly(DatabaseSetup.SqlServerMigrationsAssembly).EnableRetryOnFailure());
        return new PortalDbContext(builder.Options);
    }

    /// <summary>Runs <paramref name="work"/> and returns the commands it sent; what it does with the empty answers is not the point.</summary>
    public async Task<IReadOnlyList<string>> CaptureAsync(Func<Task> work)
    {
        _commands.Clear();
        StoppedBy = null;
        try
        {
            await work();
        }
        catch (Exception e)
        {
            // Placeholder answers can end a service early (a write reported as not made, a value that means nothing);
            // the commands it sent up to there are what is checked, and the test says where it stopped.
            StoppedBy = e;
        }

        return Commands;
    }

    private sealed class CapturingConnection(ConcurrentQueue<string> commands) : DbConnection
    {
        private ConnectionState _state = ConnectionState.Closed;

        [AllowNull]
        public override string ConnectionString { get; set; } = UnconnectedSqlServer.ConnectionString;

        public override string Database => "Portal";

        public override string DataSource => "(never-contacted)";

        public override string ServerVersion => "16.00.1000";

        public override ConnectionState State => _state;

        public override void ChangeDatabase(string databaseName)
        {
        }

        public override void Close() => _state = ConnectionState.Closed;

        public override void Open() => _state = ConnectionState.Open;

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new NoTransaction(this, isolationLevel);

        protected override DbCommand CreateDbCommand() => new CapturingCommand(this, commands);
    }

    private sealed class NoTransaction(DbConnection connection, IsolationLevel isolationLevel) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => isolationLevel;

        protected override DbConnection DbConnection => connection;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }
    }

    private sealed class CapturingCommand(DbConnection connection, ConcurrentQueue<string> commands) : DbCommand
    {
        // SqlClient's own parameters, so the provider's type mappings configure them as they would for a server.
        private readonly SqlCommand _parameters = new();

        [AllowNull]
        public override string CommandText { get; set; } = string.Empty;

        public override int CommandTimeout { get; set; } = 30;

        public override CommandType CommandType { get; set; } = CommandType.Text;

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; } = connection;

        protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override int ExecuteNonQuery()
        {
            commands.Enqueue(CommandText);
            return 1;
        }

        public override object? ExecuteScalar()
        {
            commands.Enqueue(CommandText);
            return 1;
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => _parameters.CreateParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            commands.Enqueue(CommandText);
            return new PlaceholderReader(1);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _parameters.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>One result of <paramref name="rows"/> rows, every value a placeholder of the type asked for.</summary>
    private sealed class PlaceholderReader(int rows) : DbDataReader
    {
        private int _read;

        public override int FieldCount => 64;

        public override bool HasRows => rows > 0;

        public override bool IsClosed => false;

        public override int RecordsAffected => rows;

        public override int Depth => 0;

        public override object this[int ordinal] => 1;

        public override object this[string name] => 1;

        public override bool Read() => _read++ < rows;

        public override bool NextResult() => false;

        public override bool IsDBNull(int ordinal) => false;

        public override bool GetBoolean(int ordinal) => false;

        public override byte GetByte(int ordinal) => 1;

        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => 0;

        public override char GetChar(int ordinal) => 'x';

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => 0;

        public override string GetDataTypeName(int ordinal) => "int";

        public override DateTime GetDateTime(int ordinal) => new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        public override decimal GetDecimal(int ordinal) => 1;

        public override double GetDouble(int ordinal) => 1;

        public override Type GetFieldType(int ordinal) => typeof(int);

        public override float GetFloat(int ordinal) => 1;

        public override Guid GetGuid(int ordinal) => Guid.Empty;

        public override short GetInt16(int ordinal) => 1;

        public override int GetInt32(int ordinal) => 1;

        public override long GetInt64(int ordinal) => 1;

        public override string GetName(int ordinal) => $"c{ordinal}";

        public override int GetOrdinal(string name) => 0;

        public override string GetString(int ordinal) => "1";

        public override T GetFieldValue<T>(int ordinal)
        {
            var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            object value = type == typeof(string) ? "1"
                : type == typeof(DateOnly) ? new DateOnly(2026, 1, 1)
                : type == typeof(TimeOnly) ? new TimeOnly(9, 0)
                : type == typeof(DateTime) ? GetDateTime(ordinal)
                : type == typeof(DateTimeOffset) ? new DateTimeOffset(GetDateTime(ordinal))
                : type == typeof(TimeSpan) ? TimeSpan.Zero
                : type == typeof(Guid) ? Guid.Empty
                : type == typeof(byte[]) ? Array.Empty<byte>()
                : type == typeof(bool) ? false
                : Convert.ChangeType(1, type, System.Globalization.CultureInfo.InvariantCulture);
            return (T)value;
        }

        public override object GetValue(int ordinal) => 1;

        public override int GetValues(object[] values) => 0;

        public override IEnumerator GetEnumerator() => Array.Empty<object>().GetEnumerator();
    }
}
