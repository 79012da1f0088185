using XChat.Protocol;

namespace XChat.Client.Messaging;

/// <summary>
/// What one sync round of one conversation owes a delivery receipt for (Protocol/CONTENT.md §4): the highest
/// seq among the other users' messages it fetched, and who sent them. The receipt is cumulative ("delivered
/// through"), which is true because a sync fetches a conversation in seq order.
/// </summary>
internal sealed class DeliveryReceipt
{
    private readonly SortedSet<string> _senders = new(StringComparer.Ordinal);
    private readonly HashSet<(string UserId, uint DeviceId)> _senderDevices = [];

    /// <summary>The seq the receipt will name; 0 when the round fetched nothing that needs one.</summary>
    public long Through { get; private set; }

    /// <summary>The users whose devices get the receipt.</summary>
    public IReadOnlyCollection<string> SenderUserIds => _senders;

    /// <summary>The devices that sent those messages: a remembered device list that lacks one of them is out of date.</summary>
    public IReadOnlySet<(string UserId, uint DeviceId)> SenderDevices => _senderDevices;

    public void Add(Envelope envelope, string ownUserId)
    {
        // Silent messages are receipts themselves: a receipt for one would answer receipts forever.
        // Own messages (any device of this user) need none.
        if (envelope.Silent || envelope.SenderUserId == ownUserId)
        {
            return;
        }

        Through = Math.Max(Through, (long)envelope.Seq);
        _senders.Add(envelope.SenderUserId);
        _senderDevices.Add((envelope.SenderUserId, envelope.SenderDeviceId));
    }
}
