using System.Diagnostics;
using XChat.Protocol;

namespace XChat.Client.Transport;

// Sending with exactly one seq per message: retries reuse the client_message_id, which the server
// deduplicates (PROTOCOL.md §9), so a retry after a lost answer cannot store the message twice.
public sealed partial class XChatConnection
{
    /// <summary>
    /// Sends a message and returns its seq once the server committed it. Retries across
    /// reconnects, UNAVAILABLE and RATE_LIMITED with the same client message id until SendDeadline;
    /// an empty ClientMessageId is filled with <see cref="NewClientMessageId"/>.
    /// </summary>
    public async Task<SendResult> SendAsync(SendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ConversationId, nameof(request));
        if (request.ClientMessageId.Length == 0)
        {
            request.ClientMessageId = NewClientMessageId();
        }

        var started = Stopwatch.GetTimestamp();
        Exception? lastFailure = null;
        for (var attempt = 0; ; attempt++)
        {
            var remaining = _options.SendDeadline - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The send was not confirmed within {_options.SendDeadline}.", lastFailure);
            }

            TimeSpan wait;
            try
            {
                var session = await WaitForSessionAsync(remaining, cancellationToken).ConfigureAwait(false);
                var answer = await RequestOnAsync(session, new ClientFrame { Send = request }, cancellationToken).ConfigureAwait(false);
                var result = Expect(answer, ServerFrame.BodyOneofCase.Send).Send;
                _feed.OnOwnSend(result.ConversationId.Length > 0 ? result.ConversationId : request.ConversationId, result.Seq);
                return result;
            }
            catch (ConnectionLostException e) when (!IsClosedForGood)
            {
                // The answer may have been lost with the socket; the next session retries the same id.
                lastFailure = e;
                continue;
            }
            catch (TimeoutException e) when (Stopwatch.GetElapsedTime(started) < _options.SendDeadline)
            {
                lastFailure = e;
                continue;
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.RateLimited)
            {
                lastFailure = e;
                wait = e.RetryAfter > TimeSpan.Zero ? e.RetryAfter : _backoff.Delay(attempt);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.Unavailable)
            {
                lastFailure = e;
                wait = _backoff.Delay(attempt);
            }

            var left = _options.SendDeadline - Stopwatch.GetElapsedTime(started);
            await Task.Delay(wait < left ? wait : left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one ciphertext readable by every member (e.g. a sender-key message).</summary>
    public Task<SendResult> SendAsync(string conversationId, ReadOnlyMemory<byte> sharedCiphertext, string? clientMessageId = null, CancellationToken cancellationToken = default)
    {
        var request = new SendRequest
        {
            ConversationId = conversationId,
            ClientMessageId = clientMessageId ?? string.Empty,
            SharedCiphertext = Google.Protobuf.ByteString.CopyFrom(sharedCiphertext.Span),
        };
        return SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// A new client message id: a time-ordered UUIDv7 (32 hex digits, <see cref="ClientMessageIds"/>).
    /// The server's idempotency key leads with this id, so ids that grow over time make its index grow
    /// at one end (PROTOCOL.md §4).
    /// </summary>
    public static string NewClientMessageId() => ClientMessageIds.Next();

    private bool IsClosedForGood => Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _terminalError) is not null;
}
