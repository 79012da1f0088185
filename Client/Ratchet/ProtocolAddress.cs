using System.Globalization;

namespace XChat.Client.Ratchet;

/// <summary>One device of one user: the unit a session is kept for (libsignal's ProtocolAddress).</summary>
public sealed record ProtocolAddress(string Name, uint DeviceId)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}.{DeviceId}");
}
