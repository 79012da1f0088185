namespace XChat.Grains.Storage;

/// <summary>Splits a device key "{userId}/{deviceId}" (see DeviceAddress.Key) into its parts.</summary>
internal static class DeviceKeys
{
    /// <summary>
    /// Splits at the last '/', so a user id that itself contains '/' still parses. False when
    /// the key has no '/' or the device part is not an unsigned 32-bit number.
    /// </summary>
    public static bool TryParse(string key, out string userId, out uint deviceId)
    {
        var slash = key.LastIndexOf('/');
        if (slash > 0 && uint.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out deviceId))
        {
            userId = key[..slash];
            return true;
        }

        userId = string.Empty;
        deviceId = 0;
        return false;
    }
}
