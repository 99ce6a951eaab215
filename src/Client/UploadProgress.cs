namespace Federation.Client;

/// <summary>Progress of an upload: bytes sent of the total.</summary>
/// <param name="File">The file being sent.</param>
/// <param name="BytesSent">Bytes sent so far, all files.</param>
/// <param name="TotalBytes">Bytes to send, all files.</param>
public readonly record struct UploadProgress(string File, long BytesSent, long TotalBytes);
