namespace XChat.Client.Groups;

/// <summary>Sender key records by name (libsignal's SenderKeyStore).</summary>
public interface ISenderKeyStore
{
    /// <summary>Stores <paramref name="record"/>; later changes to the instance must not reach the store unless stored again.</summary>
    Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record);

    /// <summary>The record for <paramref name="name"/>, or null; changes to it are not stored until <see cref="StoreSenderKeyAsync"/>.</summary>
    Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name);
}
