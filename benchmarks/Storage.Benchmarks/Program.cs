using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace XChat.Storage.Benchmarks;

/// <summary>
/// The message store's write pattern on SQLite, layout by layout: rows of the size the 1:1 load
/// benchmark writes (256-byte ciphertext, 67-character direct conversation ids), spread over many
/// conversations, committed in transactions of one group-commit batch each, in WAL mode with
/// synchronous=FULL and a passive checkpoint once a second from a second connection, as
/// SqliteMessageStore runs them. Every layout runs in every round, in turn, so each round's
/// ratios compare figures taken minutes apart on the same machine.
/// </summary>
public static class Program
{
    private const string Columns = """
        conversation_id    TEXT    NOT NULL,
        seq                INTEGER NOT NULL,
        sender_user_id     TEXT    NOT NULL,
        sender_device_id   INTEGER NOT NULL,
        client_message_id  TEXT    NOT NULL,
        server_ts_ms       INTEGER NOT NULL,
        shared_ciphertext  BLOB    NULL,
        device_ciphertexts BLOB    NULL,
        PRIMARY KEY (conversation_id, seq)
        """;

    private static readonly Layout[] Layouts =
    [
        new("conversation-first key, random ids (before)", $"CREATE TABLE xchat_messages ({Columns}, UNIQUE (conversation_id, sender_user_id, sender_device_id, client_message_id));", TimeOrderedIds: false),
        new("conversation-first key, UUIDv7 ids", $"CREATE TABLE xchat_messages ({Columns}, UNIQUE (conversation_id, sender_user_id, sender_device_id, client_message_id));", TimeOrderedIds: true),
        new("client-first key, random ids", $"CREATE TABLE xchat_messages ({Columns}, UNIQUE (client_message_id, sender_user_id, sender_device_id, conversation_id));", TimeOrderedIds: false),
        new("client-first key, UUIDv7 ids (now)", $"CREATE TABLE xchat_messages ({Columns}, UNIQUE (client_message_id, sender_user_id, sender_device_id, conversation_id));", TimeOrderedIds: true),
        new("no client-id key (floor, not an option)", $"CREATE TABLE xchat_messages ({Columns});", TimeOrderedIds: true),
    ];

    public static int Main(string[] args)
    {
        var rows = Option(args, "--rows", 100_000);
        var batch = Option(args, "--batch", 125);
        var conversations = Option(args, "--conversations", 100);
        var rounds = Option(args, "--rounds", 2);
        var cacheKib = Option(args, "--cache-kib", 16384); // the store's default (SqliteMessageStoreOptions.PageCacheKiB)
        Console.WriteLine($"SQLite {SqliteVersion()}, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{rows} rows in transactions of {batch}, over {conversations} conversations; {rounds} rounds; page cache {cacheKib} KiB; CPU is this process's (writer + checkpointer).");
        Console.WriteLine();
        Console.WriteLine("| round | layout | rows/s | CPU µs per row | ratio to 'before' |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        for (var round = 1; round <= rounds; round++)
        {
            double? before = null;
            foreach (var layout in Layouts)
            {
                var (perSecond, cpuPerRow) = Run(layout, rows, batch, conversations, cacheKib);
                before ??= cpuPerRow;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {layout.Name} | {perSecond:N0} | {cpuPerRow:F1} | {cpuPerRow / before.Value:F2} |"));
            }
        }

        return 0;
    }

    private static (double RowsPerSecond, double CpuMicrosecondsPerRow) Run(Layout layout, int rows, int batch, int conversations, int cacheKib)
    {
        var directory = Directory.CreateTempSubdirectory("xchat-storage-bench-");
        try
        {
            var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory.FullName, "xchat.db"), Pooling = false }.ToString();
            using var writer = new SqliteConnection(connectionString);
            writer.Open();
            Execute(writer, $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{cacheKib};" + layout.Create);

            using var insert = writer.CreateCommand();
            insert.CommandText = "INSERT INTO xchat_messages VALUES (@c, @s, @u, @d, @m, @t, @p, NULL)";
            var parameters = new[] { "@c", "@s", "@u", "@d", "@m", "@t", "@p" }.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
            insert.Prepare();

            var random = new Random(42);
            var ids = Enumerable.Range(0, conversations).Select(_ => (Conversation: $"d_{Guid.NewGuid():N}_{Guid.NewGuid():N}", Sender: Guid.NewGuid().ToString("N"))).ToArray();
            var seqs = new long[conversations];
            var payload = new byte[256];
            random.NextBytes(payload);

            using var stop = new CancellationTokenSource();
            var checkpointer = Task.Run(() => CheckpointEverySecond(connectionString, stop.Token));
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var written = 0; written < rows; written += batch)
            {
                using var transaction = writer.BeginTransaction(deferred: false);
                insert.Transaction = transaction;
                for (var i = 0; i < batch; i++)
                {
                    var k = random.Next(conversations);
                    parameters[0].Value = ids[k].Conversation;
                    parameters[1].Value = ++seqs[k];
                    parameters[2].Value = ids[k].Sender;
                    parameters[3].Value = 1L;
                    parameters[4].Value = (layout.TimeOrderedIds ? Guid.CreateVersion7() : Guid.NewGuid()).ToString("N");
                    parameters[5].Value = 1_764_000_000_000L;
                    parameters[6].Value = payload;
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            var elapsed = clock.Elapsed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            stop.Cancel();
            checkpointer.Wait();
            return (rows / elapsed.TotalSeconds, cpu.TotalMicroseconds / rows);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task CheckpointEverySecond(string connectionString, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                using var connection = new SqliteConnection(connectionString);
                connection.Open();
                Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Layout(string Name, string Create, bool TimeOrderedIds);
}
