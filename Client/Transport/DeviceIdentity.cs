using XChat.Client.Crypto;

namespace XChat.Client.Transport;

/// <summary>A device identity whose keys live in memory; persisting them is the key store's job.</summary>
public sealed class DeviceIdentity : IDeviceIdentity
{
    private readonly Ed25519KeyPair _signing;
    private string? _userId;
    private uint _deviceId;

    public DeviceIdentity(Ed25519KeyPair signing, X25519KeyPair agreement, string? userId = null, uint deviceId = 0)
    {
        ArgumentNullException.ThrowIfNull(signing);
        ArgumentNullException.ThrowIfNull(agreement);
        _signing = signing;
        AgreementKeys = agreement;
        _userId = userId;
        _deviceId = deviceId;
    }

    /// <summary>The X25519 key pair; session setup needs the private half.</summary>
    public X25519KeyPair AgreementKeys { get; }

    public string? UserId => Volatile.Read(ref _userId);

    public uint DeviceId => _deviceId;

    public ReadOnlyMemory<byte> SigningPublicKey => _signing.PublicKey;

    public ReadOnlyMemory<byte> AgreementPublicKey => AgreementKeys.PublicKey;

    /// <summary>Creates a new, unregistered identity with fresh Ed25519 and X25519 key pairs.</summary>
    public static DeviceIdentity Create() => new(Ed25519.GenerateKeyPair(), X25519.GenerateKeyPair());

    public byte[] Sign(ReadOnlySpan<byte> data) => Ed25519.Sign(_signing.PrivateKey, data);

    public void SetAddress(string userId, uint deviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        // DeviceId is written before UserId is published so a reader that sees the user id sees the device id too.
        _deviceId = deviceId;
        Volatile.Write(ref _userId, userId);
    }
}
