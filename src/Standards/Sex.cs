namespace Federation.Standards;

/// <summary>GB/T 2261.1 sex codes.</summary>
public enum Sex
{
    /// <summary>0 未知的性别.</summary>
    Unknown = 0,
    /// <summary>1 男.</summary>
    Male = 1,
    /// <summary>2 女.</summary>
    Female = 2,
    /// <summary>9 未说明的性别.</summary>
    Unstated = 9,
}
