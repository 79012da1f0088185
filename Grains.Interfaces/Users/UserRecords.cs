namespace XChat.Grains.Users;

/// <summary>The public identity keys of one device, as uploaded at registration.</summary>
[GenerateSerializer, Immutable, Alias("xchat.DeviceKeys")]
public sealed record DeviceKeys(
    [property: Id(0)] byte[] IdentitySigningKey,
    [property: Id(1)] byte[] IdentityAgreementKey,
    [property: Id(2)] byte[] AgreementKeySignature);

/// <summary>A device of a user with its public identity keys.</summary>
[GenerateSerializer, Immutable, Alias("xchat.DeviceRecord")]
public sealed record DeviceRecord(
    [property: Id(0)] uint DeviceId,
    [property: Id(1)] DeviceKeys Keys,
    [property: Id(2)] DateTimeOffset RegisteredAt);

/// <summary>What anyone may learn about a user: handle and devices with public keys.</summary>
[GenerateSerializer, Immutable, Alias("xchat.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Handle,
    [property: Id(2)] IReadOnlyList<DeviceRecord> Devices);

/// <summary>The user and device a registration created.</summary>
[GenerateSerializer, Immutable, Alias("xchat.Registration")]
public sealed record Registration(
    [property: Id(0)] string UserId,
    [property: Id(1)] uint DeviceId);
