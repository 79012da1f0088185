using System.Net.WebSockets;
using System.Text;
using Google.Protobuf;
using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.TestSupport;

/// <summary>
/// A bare WebSocket client for gateway tests: sends exactly the bytes a test wants (including bad
/// ones) and reads frames and close codes as they come.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private static readonly byte[] AuthContext = Encoding.UTF8.GetBytes("xchat-auth-v1");
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[1024 * 1024];
    private ulong _nextRequestId;

    public List<ServerFrame> Pushes { get; } = [];

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public WebSocketState State => _socket.State;

    public static async Task<RawClient> ConnectAsync(Uri uri)
    {
        var client = new RawClient();
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        return client;
    }

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Binary, bool endOfMessage = true) =>
        _socket.SendAsync(bytes, type, endOfMessage, CancellationToken.None);

    public async Task<ulong> SendAsync(ClientFrame frame)
    {
        if (frame.RequestId == 0)
        {
            frame.RequestId = ++_nextRequestId;
        }

        await SendRawAsync(frame.ToByteArray());
        return frame.RequestId;
    }

    /// <summary>The next frame, or null when the server closed the socket (see <see cref="CloseStatus"/>).</summary>
    public async Task<ServerFrame?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(new ArraySegment<byte>(_buffer, length, _buffer.Length - length), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return ServerFrame.Parser.ParseFrom(_buffer, 0, length);
            }
        }
    }

    /// <summary>Sends a request and returns its answer; pushes that arrive first are kept in <see cref="Pushes"/>.</summary>
    public async Task<ServerFrame> RequestAsync(ClientFrame frame, TimeSpan? timeout = null)
    {
        var id = await SendAsync(frame);
        while (true)
        {
            var answer = await ReceiveAsync(timeout) ?? throw new InvalidOperationException($"Closed by the server: {CloseStatus}.");
            if (answer.BodyCase == ServerFrame.BodyOneofCase.Push)
            {
                Pushes.Add(answer);
                continue;
            }

            if (answer.RequestId != id)
            {
                throw new InvalidOperationException($"Expected the answer to request {id}, got {answer.RequestId}.");
            }

            return answer;
        }
    }

    /// <summary>Waits for the server to close the socket and returns the close code; frames before it are skipped.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline && await ReceiveAsync(deadline - DateTime.UtcNow) is not null)
            {
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            return _socket.CloseStatus;
        }

        return _socket.CloseStatus;
    }

    public async Task<Welcome> HelloAsync()
    {
        var answer = await RequestAsync(new ClientFrame { Hello = new Hello { Version = ProtocolVersion._1, Client = "raw-test" } });
        return answer.Welcome ?? throw new InvalidOperationException($"Expected Welcome, got {answer.BodyCase}.");
    }

    public static byte[] SignChallenge(DeviceIdentity identity, ByteString challenge) =>
        identity.Sign([.. AuthContext, .. challenge.ToByteArray()]);

    public static RegisterRequest RegisterRequestFor(DeviceIdentity identity, string handle, ByteString challenge) => new()
    {
        Handle = handle,
        IdentitySigningKey = ByteString.CopyFrom(identity.SigningPublicKey.Span),
        IdentityAgreementKey = ByteString.CopyFrom(identity.AgreementPublicKey.Span),
        AgreementKeySignature = ByteString.CopyFrom(identity.Sign(identity.AgreementPublicKey.Span)),
        ChallengeSignature = ByteString.CopyFrom(SignChallenge(identity, challenge)),
    };

    /// <summary>Hello + Register; returns the new user's id and device.</summary>
    public async Task<RegisterResult> RegisterAsync(DeviceIdentity identity, string handle)
    {
        var welcome = await HelloAsync();
        var answer = await RequestAsync(new ClientFrame { Register = RegisterRequestFor(identity, handle, welcome.Challenge) });
        var result = answer.Register ?? throw new InvalidOperationException($"Register failed: {answer.Error}");
        identity.SetAddress(result.UserId, result.DeviceId);
        return result;
    }

    /// <summary>Hello + Login as an already registered identity.</summary>
    public async Task<ServerFrame> LoginAsync(DeviceIdentity identity)
    {
        var welcome = await HelloAsync();
        return await RequestAsync(new ClientFrame
        {
            Login = new LoginRequest
            {
                UserId = identity.UserId,
                DeviceId = identity.DeviceId,
                ChallengeSignature = ByteString.CopyFrom(SignChallenge(identity, welcome.Challenge)),
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cts.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // Already gone.
            }
        }

        _socket.Dispose();
    }
}
