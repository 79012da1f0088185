namespace XChat.Grains.Storage;

/// <summary>One caller's rows waiting for the group-commit writer, and the task that caller awaits.</summary>
internal sealed class WriteRequest(IReadOnlyList<StoredMessage> messages, IReadOnlyList<CursorUpdate> cursors, CancellationToken cancellationToken)
{
    public IReadOnlyList<StoredMessage> Messages { get; } = messages;

    public IReadOnlyList<CursorUpdate> Cursors { get; } = cursors;

    public int RowCount => Messages.Count + Cursors.Count;

    /// <summary>Observed only while the request is still queued: once it is in a transaction it runs to the end.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    // Continuations must not run on the writer loop: a grain's await would otherwise stall the next commit.
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
