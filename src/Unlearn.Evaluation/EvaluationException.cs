// The evaluation could not produce a trustworthy number (a variant without a distribution, an inconsistent
// result file). Bad input files get EvaluationDataException; bad expectations get ExpectationException.
namespace Unlearn.Evaluation;

public class EvaluationException : Exception
{
    public EvaluationException(string message)
        : base(message)
    {
    }

    public EvaluationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
