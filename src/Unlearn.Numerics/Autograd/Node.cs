// One recorded operation: it knows its output and, in Backward, adds d loss / d input into the gradients of its inputs
// (and of its trainable weights) from its output's gradient. Saved tensors it rented go back to the pool in Release.
namespace Unlearn.Numerics.Autograd;

internal abstract class Node(Variable output)
{
    public Variable Output { get; } = output;

    /// <summary>Propagates Output's gradient to the inputs. Only called when Output has a gradient.</summary>
    public abstract void Backward(Tape tape);

    /// <summary>Returns the buffers this node rented for its backward pass.</summary>
    public virtual void Release(Tape tape)
    {
    }
}
