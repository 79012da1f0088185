using XChat.Grains.Storage;

namespace XChat.Grains.Conversations;

/// <summary>A send waiting for the next group commit.</summary>
internal sealed class PendingAppend(AppendRequest request, ClientMessageKey key)
{
    public AppendRequest Request { get; } = request;
    public ClientMessageKey Key { get; } = key;
    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
