namespace Portal.Auth;

/// <summary>Thrown by a feature service when the caller may not see or do what they asked.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
