namespace XChat.Grains.Storage;

/// <summary>Settings of <see cref="PostgresMessageStore"/>.</summary>
public sealed class PostgresMessageStoreOptions : MessageStoreOptions
{
    /// <summary>
    /// The Npgsql connection string, e.g. "Host=db;Username=xchat;Password=…;Database=xchat".
    /// Pool size and timeouts are set here, the Npgsql way. There is no default.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{nameof(ConnectionString)} is required.";
        }
    }
}
