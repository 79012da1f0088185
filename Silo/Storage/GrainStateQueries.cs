namespace XChat.Silo.Storage;

/// <summary>
/// The query texts the Orleans ADO.NET grain storage provider reads from the <c>OrleansQuery</c> table,
/// one set per database.
/// </summary>
/// <remarks>
/// The contract, read from Microsoft.Orleans.Persistence.AdoNet 10.4.2 (AdoNetGrainStorage):
/// <list type="bullet">
/// <item>Every query gets <c>@GrainIdHash</c>, <c>@GrainTypeHash</c> (int), <c>@GrainIdN0</c>, <c>@GrainIdN1</c>
/// (bigint; a long key is (0, key), a Guid key its two halves, a string key (0, 0)), <c>@GrainTypeString</c>,
/// <c>@GrainIdExtensionString</c> (the key extension, or the whole key of a string-keyed grain; may be null)
/// and <c>@ServiceId</c>.</item>
/// <item>Write, clear and delete also get <c>@GrainStateVersion</c> (int, null when the grain holds no ETag);
/// write also gets <c>@PayloadBinary</c>.</item>
/// <item>Read returns at most one row with columns <c>PayloadBinary</c> and <c>Version</c>; a null payload
/// means "cleared" (RecordExists = false) but the version still becomes the ETag.</item>
/// <item>Write returns at most one row with column <c>NewGrainStateVersion</c>; clear and delete return the
/// new version in their first column. No row, a null, or the unchanged version makes the provider throw
/// <c>InconsistentStateException</c>: that is how a stale ETag is rejected.</item>
/// <item>The hashes exist for databases that index by them; our primary key is the natural key, so the
/// queries ignore them.</item>
/// </list>
/// </remarks>
/// <param name="Read">Text for <c>ReadFromStorageKey</c>.</param>
/// <param name="Write">Text for <c>WriteToStorageKey</c>.</param>
/// <param name="Clear">Text for <c>ClearStorageKey</c>.</param>
/// <param name="Delete">Text for <c>DeleteStorageKey</c> (used only with DeleteStateOnClear).</param>
public sealed record GrainStateQueries(string Read, string Write, string Clear, string Delete)
{
    /// <summary>Query keys and texts in the form the <c>OrleansQuery</c> table stores them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AsRows() =>
    [
        new("ReadFromStorageKey", Read),
        new("WriteToStorageKey", Write),
        new("ClearStorageKey", Clear),
        new("DeleteStorageKey", Delete),
    ];
}
