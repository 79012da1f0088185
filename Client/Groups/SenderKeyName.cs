using XChat.Client.Ratchet;

namespace XChat.Client.Groups;

/// <summary>
/// Which sender key a record holds (libsignal's SenderKeyName): the group's distribution id and
/// the sending device. Each device of each member has its own chain per distribution id.
/// </summary>
public sealed record SenderKeyName(Guid DistributionId, ProtocolAddress Sender)
{
    public override string ToString() => $"{DistributionId:D}/{Sender}";
}
