using Microsoft.Extensions.Options;
using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Hosting;

namespace XChat.Grains.Attachments;

/// <summary>
/// One attachment upload. Holds no state of its own: the record lives in the blob store and is read on
/// every call, so the sweeper (which deletes through the store) and this grain never disagree for long.
/// Membership is asked of the conversation grain on every read, so a removed member loses access at once.
/// </summary>
public sealed class AttachmentGrain(IAttachmentStore store, IOptions<XChatGrainOptions> options, TimeProvider time) : Grain, IAttachmentGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<AttachmentInfo> StartAsync(DeviceAddress uploader, string conversationId, long size)
    {
        if (!AttachmentIds.IsWellFormed(Id))
        {
            throw new InvalidRequestException("Malformed attachment id.");
        }

        if (size < 1)
        {
            throw new InvalidRequestException("An attachment has at least one byte.");
        }

        if (size > options.Value.MaxAttachmentBytes)
        {
            throw new PayloadTooLargeException($"An attachment is at most {options.Value.MaxAttachmentBytes} bytes.");
        }

        await ConversationOf(conversationId).GetAsync(uploader.UserId); // throws unless a member
        if (await store.GetAsync(Id) is not null)
        {
            throw new InvalidRequestException("The attachment id is in use.");
        }

        var record = new AttachmentRecord(Id, conversationId, uploader.UserId, uploader.DeviceId, size, 0, 0,
            Finished: false, Referenced: false, CreatedAtMs: time.GetUtcNow().ToUnixTimeMilliseconds());
        await store.SaveAsync(record);
        return ToInfo(record);
    }

    public async Task<AttachmentInfo> AppendChunkAsync(DeviceAddress uploader, int index, byte[] data)
    {
        var record = await RequireUploadAsync(uploader);
        if (data.Length is < 1 or > AttachmentIds.MaxChunkBytes)
        {
            throw new InvalidRequestException($"A chunk is 1 to {AttachmentIds.MaxChunkBytes} bytes.");
        }

        if (index == record.Chunks - 1)
        {
            // A retry of the last chunk (its answer was lost): the same length is accepted and rewritten.
            var previous = await store.ReadChunkAsync(Id, index);
            if (previous?.Length != data.Length)
            {
                throw new InvalidRequestException("A repeated chunk must have the length of the first attempt.");
            }

            await store.WriteChunkAsync(Id, index, data);
            return ToInfo(record);
        }

        if (index != record.Chunks)
        {
            throw new InvalidRequestException($"Chunks are uploaded in order: the next index is {record.Chunks}.");
        }

        if (record.Received + data.Length > record.Size)
        {
            throw new InvalidRequestException("The chunk goes past the declared size.");
        }

        await store.WriteChunkAsync(Id, index, data);
        record = record with { Received = record.Received + data.Length, Chunks = record.Chunks + 1 };
        await store.SaveAsync(record);
        return ToInfo(record);
    }

    public async Task<AttachmentInfo> FinishAsync(DeviceAddress uploader)
    {
        var record = await RequireUploadAsync(uploader);
        if (record.Received != record.Size)
        {
            throw new AttachmentIncompleteException($"Received {record.Received} of {record.Size} bytes.");
        }

        record = record with { Finished = true };
        await store.SaveAsync(record);
        return ToInfo(record);
    }

    public async Task<AttachmentInfo> GetAsync(string callerUserId) => ToInfo(await RequireReadableAsync(callerUserId));

    public async Task<AttachmentChunkData> ReadChunkAsync(string callerUserId, int index)
    {
        var record = await RequireReadableAsync(callerUserId);
        if (!record.Finished)
        {
            throw new AttachmentIncompleteException("The upload is not finished.");
        }

        if (index < 0 || index >= record.Chunks)
        {
            throw new InvalidRequestException($"The attachment has chunks 0 to {record.Chunks - 1}.");
        }

        var data = await store.ReadChunkAsync(Id, index) ?? throw new NotFoundException("No such attachment.");
        return new AttachmentChunkData(index, data, index == record.Chunks - 1);
    }

    public async Task ReferenceAsync(DeviceAddress sender, string conversationId)
    {
        var record = await store.GetAsync(Id);
        if (record is null || record.ConversationId != conversationId || record.UploaderUserId != sender.UserId || Expired(record))
        {
            // Not NOT_FOUND: the send names an attachment it may not use, a malformed request.
            throw new InvalidRequestException("A referenced attachment is not an upload of the sender in this conversation.");
        }

        if (!record.Finished)
        {
            throw new AttachmentIncompleteException("A referenced attachment is not finished.");
        }

        var conversation = await ConversationOf(conversationId).GetAsync(sender.UserId);
        long? expiresAt = conversation.DisappearAfterMs > 0 ? time.GetUtcNow().ToUnixTimeMilliseconds() + conversation.DisappearAfterMs : null;
        if (record.ExpiresAtMs is { } earlier && (expiresAt is null || earlier < expiresAt))
        {
            expiresAt = earlier;
        }

        if (!record.Referenced || record.ExpiresAtMs != expiresAt)
        {
            await store.SaveAsync(record with { Referenced = true, ExpiresAtMs = expiresAt });
        }
    }

    private async Task<AttachmentRecord> RequireUploadAsync(DeviceAddress uploader)
    {
        var record = await store.GetAsync(Id) ?? throw new NotFoundException("No such upload.");
        if (record.UploaderUserId != uploader.UserId || record.UploaderDeviceId != uploader.DeviceId)
        {
            throw new ForbiddenException("Only the uploading device may write an upload.");
        }

        if (record.Finished)
        {
            throw new InvalidRequestException("The upload is already finished.");
        }

        return record;
    }

    private async Task<AttachmentRecord> RequireReadableAsync(string callerUserId)
    {
        var record = await store.GetAsync(Id);
        if (record is null || Expired(record))
        {
            throw new NotFoundException("No such attachment.");
        }

        await ConversationOf(record.ConversationId).GetAsync(callerUserId); // throws unless a member
        return record;
    }

    private bool Expired(AttachmentRecord record) => record.ExpiresAtMs <= time.GetUtcNow().ToUnixTimeMilliseconds();

    private IConversationGrain ConversationOf(string conversationId) => GrainFactory.GetGrain<IConversationGrain>(conversationId);

    private static AttachmentInfo ToInfo(AttachmentRecord r) => new(r.AttachmentId, r.ConversationId, r.Size, r.Received, r.Chunks, r.Finished);
}
