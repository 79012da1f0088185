using System.Globalization;

namespace XChat.Client.Keys;

/// <summary>The id of an ML-KEM-768 prekey (one-time or last-resort), chosen by the device that owns it.</summary>
public readonly record struct KyberPreKeyId(uint Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
