namespace XChat.Client.Transport;

/// <summary>The public keys and server address of this device; the connection signs login challenges with it.</summary>
public interface IDeviceIdentity
{
    /// <summary>The user this device belongs to, or null until the device is registered.</summary>
    string? UserId { get; }

    /// <summary>The device id within the user (the first device is 1); 0 until registered.</summary>
    uint DeviceId { get; }

    /// <summary>The Ed25519 public identity key (32 bytes).</summary>
    ReadOnlyMemory<byte> SigningPublicKey { get; }

    /// <summary>The X25519 public identity key (32 bytes).</summary>
    ReadOnlyMemory<byte> AgreementPublicKey { get; }

    /// <summary>Signs data with the Ed25519 identity key (64-byte signature).</summary>
    byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>Records the address the server assigned when this device registered; later reconnects log in with it.</summary>
    void SetAddress(string userId, uint deviceId);
}
