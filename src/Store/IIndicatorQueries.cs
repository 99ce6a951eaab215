namespace Federation.Store;

/// <summary>The store's answers the indicator rules (R-10 … R-13) and the enterprise monitoring summaries are computed from.</summary>
public interface IIndicatorQueries
{
    /// <summary>A read session over one scope, with its statements prepared; dispose it when done.</summary>
    IIndicatorReader Open(IndicatorScope scope);
}
