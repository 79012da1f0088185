using System.Globalization;

namespace XChat.Client.Keys;

/// <summary>The id of a signed X25519 prekey, chosen by the device that owns it.</summary>
public readonly record struct SignedPreKeyId(uint Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
