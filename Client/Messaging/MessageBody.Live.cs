namespace XChat.Client.Messaging;

/// <summary>
/// The live body types, beside text:
/// <list type="bullet">
/// <item><c>{"v":1,"type":"attachment","text":"caption","attachment":{…AttachmentPointer…},…}</c>: a file; the key and digest are only ever inside the ciphertext;</item>
/// <item><c>{"v":1,"type":"disappear","text":"…","disappearSeconds":300,…}</c>: a member set the disappearing timer (0: off). The server's copy of the timer is set separately (SetDisappearing).</item>
/// </list>
/// Both carry a human-readable <c>text</c>, so a history shows them like any message.
/// </summary>
internal sealed partial record MessageBody
{
    public static MessageBody ForAttachment(AttachmentPointer pointer, string text, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, AttachmentType, text, sentAt.ToUnixTimeMilliseconds(), from, Attachment: pointer);

    public static MessageBody ForDisappear(TimeSpan duration, string from, DateTimeOffset sentAt) =>
        new(CurrentVersion, DisappearType, DisappearText(from, duration), sentAt.ToUnixTimeMilliseconds(), from,
            DisappearSeconds: (long)duration.TotalSeconds);

    public static string DisappearText(string who, TimeSpan duration) =>
        duration == TimeSpan.Zero ? $"{who} turned disappearing messages off" : $"{who} set disappearing messages to {Durations.Format(duration)}";

    private static bool IsCompleteLive(MessageBody body) => body.Type switch
    {
        AttachmentType => body.Text is not null && body.Attachment is { } a && a.IsWellFormed(),
        DisappearType => body.Text is not null && body.DisappearSeconds is >= 0,
        _ => false,
    };
}
