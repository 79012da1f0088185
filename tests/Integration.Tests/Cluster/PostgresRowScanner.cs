using System.Text;
using Npgsql;

namespace XChat.Integration.Tests.Cluster;

/// <summary>
/// Reads every row of every table of a PostgreSQL database (all schemas but the system ones) and
/// looks for marker strings in each value: bytea (and bytea[]) values as raw bytes, every other
/// column as its text form. A marker is searched as UTF-8, UTF-16LE and UTF-16BE bytes.
/// </summary>
internal static class PostgresRowScanner
{
    /// <summary>One marker found in one value.</summary>
    public sealed record Finding(string Table, string Column, string Marker, string Encoding);

    /// <summary>What a scan read (rows per table, by "schema.table") and what it found.</summary>
    public sealed record Report(IReadOnlyDictionary<string, long> RowsPerTable, IReadOnlyDictionary<string, long> BytesPerTable, IReadOnlyList<Finding> Findings)
    {
        public long Rows(string table) => RowsPerTable.GetValueOrDefault(table);

        public string Describe() =>
            string.Join(", ", RowsPerTable.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}: {t.Value} rows, {BytesPerTable[t.Key]} bytes"));
    }

    private sealed record Column(string Name, bool Binary, bool BinaryArray);

    public static async Task<Report> ScanAsync(string connectionString, IReadOnlyCollection<string> markers)
    {
        var patterns = markers
            .SelectMany(m => new[]
            {
                (Marker: m, Encoding: "UTF-8", Bytes: Encoding.UTF8.GetBytes(m)),
                (Marker: m, Encoding: "UTF-16LE", Bytes: Encoding.Unicode.GetBytes(m)),
                (Marker: m, Encoding: "UTF-16BE", Bytes: Encoding.BigEndianUnicode.GetBytes(m)),
            })
            .ToArray();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = await TablesAsync(connection);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var findings = new List<Finding>();
        foreach (var (table, sqlName, columns) in tables)
        {
            var select = string.Join(", ", columns.Select(c => c.Binary || c.BinaryArray ? Quote(c.Name) : $"{Quote(c.Name)}::text"));
            await using var command = new NpgsqlCommand($"SELECT {select} FROM {sqlName}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            long rowCount = 0, byteCount = 0;
            while (await reader.ReadAsync())
            {
                rowCount++;
                for (var i = 0; i < columns.Count; i++)
                {
                    if (await reader.IsDBNullAsync(i))
                    {
                        continue;
                    }

                    IEnumerable<byte[]> values = columns[i] switch
                    {
                        { Binary: true } => [reader.GetFieldValue<byte[]>(i)],
                        { BinaryArray: true } => reader.GetFieldValue<byte[]?[]>(i).OfType<byte[]>(),
                        _ => [Encoding.UTF8.GetBytes(reader.GetString(i))],
                    };
                    foreach (var value in values)
                    {
                        byteCount += value.Length;
                        foreach (var pattern in patterns)
                        {
                            if (value.AsSpan().IndexOf(pattern.Bytes) >= 0)
                            {
                                findings.Add(new Finding(table, columns[i].Name, pattern.Marker, pattern.Encoding));
                            }
                        }
                    }
                }
            }

            rows[table] = rowCount;
            bytes[table] = byteCount;
        }

        return new Report(rows, bytes, findings);
    }

    /// <summary>
    /// Where a database could keep data that <see cref="ScanAsync"/> does not read: large objects and
    /// materialized views. A test asserts this is empty, so "every table" really is every place.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UnscannedStorageAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var found = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT count(*) FROM pg_largeobject_metadata", connection))
        {
            var count = (long)(await command.ExecuteScalarAsync())!;
            if (count > 0)
            {
                found.Add($"{count} large objects");
            }
        }

        await using (var command = new NpgsqlCommand("SELECT schemaname || '.' || matviewname FROM pg_matviews", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found.Add($"materialized view {reader.GetString(0)}");
            }
        }

        return found;
    }

    /// <summary>Each table as "schema.table", its quoted SQL name and its columns.</summary>
    private static async Task<List<(string Table, string SqlName, List<Column> Columns)>> TablesAsync(NpgsqlConnection connection)
    {
        // Base tables of every schema except the catalogs; columns in their declared order.
        const string sql = """
            SELECT c.table_schema, c.table_name, c.column_name, c.udt_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE t.table_type = 'BASE TABLE'
              AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND c.table_schema NOT LIKE 'pg_toast%'
              AND c.table_schema NOT LIKE 'pg_temp%'
            ORDER BY c.table_schema, c.table_name, c.ordinal_position
            """;
        var tables = new List<(string, string, List<Column>)>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        string? current = null;
        while (await reader.ReadAsync())
        {
            var table = $"{reader.GetString(0)}.{reader.GetString(1)}";
            if (table != current)
            {
                tables.Add((table, $"{Quote(reader.GetString(0))}.{Quote(reader.GetString(1))}", []));
                current = table;
            }

            var udt = reader.GetString(3);
            tables[^1].Item3.Add(new Column(reader.GetString(2), udt == "bytea", udt == "_bytea"));
        }

        return tables;
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
