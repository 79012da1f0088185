using System.Security.Cryptography;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Messaging;

// Attachments (issue 5, item 6): encrypted with a fresh key in chunks (AttachmentCipher), uploaded over
// the WebSocket, announced in an encrypted "attachment" message whose send references the upload.
public sealed partial class XChatClient
{
    /// <summary>
    /// Encrypts the file at <paramref name="path"/>, uploads it bound to the conversation with <paramref name="handle"/>
    /// (or group <paramref name="groupId"/>) and sends a message carrying its pointer. <paramref name="progress"/>
    /// gets the plaintext bytes uploaded so far.
    /// </summary>
    public async Task<ChatMessage> SendFileAsync(string? handle, string? groupId, string path, string? caption = null, string? contentType = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new XChatClientException($"There is no file '{path}'.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var conversation = await ConversationOfLockedAsync(handle, groupId, cancellationToken).ConfigureAwait(false);
            var pointer = await UploadLockedAsync(conversation, path, contentType ?? ContentTypes.Guess(path), progress, cancellationToken).ConfigureAwait(false);
            var text = caption ?? $"[file] {pointer.FileName} ({pointer.Size} bytes)";
            var body = MessageBody.ForAttachment(pointer, text, Handle, DateTimeOffset.UtcNow);
            return groupId is null
                ? await SendDirectBodyLockedAsync(handle!, body, [pointer.Id], cancellationToken).ConfigureAwait(false)
                : await SendGroupBodyLockedAsync(groupId, body, [pointer.Id], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Downloads, authenticates and decrypts the attachment of message <paramref name="seq"/> in <paramref name="conversation"/>
    /// into <paramref name="outputPath"/>. The file appears only once every chunk and the digest checked out.
    /// </summary>
    public Task<ChatAttachment> DownloadAsync(string conversation, long seq, string outputPath, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var pointer = _profile.Live.GetAttachment(conversation, seq)
            ?? throw new XChatClientException($"Message {seq} in {conversation} has no attachment here (or it disappeared).");
        return DownloadAsync(pointer, outputPath, progress, cancellationToken);
    }

    /// <summary>As <see cref="DownloadAsync(string, long, string, IProgress{long}?, CancellationToken)"/>, by attachment id.</summary>
    public Task<ChatAttachment> DownloadAsync(string attachmentId, string outputPath, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var found = _profile.Live.FindAttachment(attachmentId)
            ?? throw new XChatClientException($"No message here carries attachment {attachmentId}.");
        return DownloadAsync(found.Pointer, outputPath, progress, cancellationToken);
    }

    private async Task<AttachmentPointer> UploadLockedAsync(string conversation, string path, string contentType, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        var size = file.Length;
        var chunkSize = AttachmentCipher.DefaultChunkSize;
        var count = AttachmentCipher.ChunkCount(size, chunkSize);
        var key = AttachmentCipher.NewKey();
        UploadInfo upload;
        try
        {
            upload = await _connection.StartUploadAsync(conversation, AttachmentCipher.CiphertextSize(size, chunkSize), cancellationToken).ConfigureAwait(false);
        }
        catch (XChatServerException e) when (e.Code == ErrorCode.PayloadTooLarge)
        {
            throw new XChatClientException($"The file is larger than the server accepts: {e.Message}", e);
        }

        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[chunkSize];
        long done = 0;
        for (var index = 0; index < count; index++)
        {
            var read = await file.ReadAtLeastAsync(buffer, (int)Math.Min(chunkSize, size - done), throwOnEndOfStream: true, cancellationToken).ConfigureAwait(false);
            var chunk = AttachmentCipher.EncryptChunk(key, index, count, buffer.AsSpan(0, read));
            digest.AppendData(chunk);
            await _connection.UploadChunkAsync(upload.AttachmentId, index, chunk, cancellationToken).ConfigureAwait(false);
            done += read;
            progress?.Report(done);
        }

        await _connection.FinishUploadAsync(upload.AttachmentId, cancellationToken).ConfigureAwait(false);
        return new AttachmentPointer(upload.AttachmentId, key, digest.GetHashAndReset(), size, chunkSize, contentType, Path.GetFileName(path));
    }

    private async Task<ChatAttachment> DownloadAsync(AttachmentPointer pointer, string outputPath, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var count = AttachmentCipher.ChunkCount(pointer.Size, pointer.ChunkSize);
        UploadInfo info;
        try
        {
            info = await _connection.GetAttachmentAsync(pointer.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (XChatServerException e) when (e.Code is ErrorCode.NotFound or ErrorCode.Forbidden)
        {
            throw new XChatClientException($"The server has no attachment {pointer.Id} for you ({e.Code}): it expired, or you are not in its conversation.", e);
        }

        if ((long)info.Size != AttachmentCipher.CiphertextSize(pointer.Size, pointer.ChunkSize) || info.Chunks != count)
        {
            throw new XChatClientException("The stored attachment does not match its message (size or chunk count).");
        }

        var fullPath = Path.GetFullPath(outputPath);
        var temporary = fullPath + $".{Guid.NewGuid():N}.part";
        try
        {
            using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
            {
                long done = 0;
                for (var index = 0; index < count; index++)
                {
                    var chunk = await _connection.DownloadChunkAsync(pointer.Id, index, cancellationToken).ConfigureAwait(false);
                    var data = chunk.Data.Span;
                    digest.AppendData(data);
                    if (chunk.Index != index || chunk.Last != (index == count - 1)
                        || !AttachmentCipher.TryDecryptChunk(pointer.Key, index, count, data, out var plaintext))
                    {
                        throw new XChatClientException($"Chunk {index} of the attachment failed authentication: it was changed or does not belong here.");
                    }

                    await output.WriteAsync(plaintext, cancellationToken).ConfigureAwait(false);
                    done += plaintext.Length;
                    progress?.Report(done);
                }
            }

            if (!CryptographicOperations.FixedTimeEquals(digest.GetHashAndReset(), pointer.Digest))
            {
                throw new XChatClientException("The attachment's digest does not match its message.");
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return new ChatAttachment(pointer.Id, pointer.FileName, pointer.ContentType, pointer.Size);
    }
}
