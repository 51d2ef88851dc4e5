// Hand-written inputs of the "play" recipe: the candidate concept prompts (the recipe keeps those the base model
// continues with a target term most often) and the story openers the background stories start from. None of them
// contains a target term or any word starting with "play".
namespace Unlearn.Evaluation.Data.Recipes;

public sealed partial class PlayDataRecipe
{
    public static IReadOnlyList<string> Terms { get; } = ["play", "plays", "played", "playing"];

    public static IReadOnlyList<string> CandidatePrompts { get; } =
    [
        "One day, Lily went to the park to",
        "Tom and his friend wanted to",
        "After school, the kids went outside to",
        "Lily loved to",
        "The little boy liked to",
        "Ben asked his mom if he could go outside and",
        "The children ran to the park. They wanted to",
        "Sue had a new ball. She wanted to",
        "Tim got a new toy car. He",
        "It was a sunny day. Lily and her friends went outside to",
        "Max the dog liked to",
        "Mia and Ben were best friends. Every day they",
        "Anna saw a big swing in the garden. She wanted to",
        "The kitten found a ball of yarn and started to",
        "Lucy asked her brother, \"Do you want to",
        "After lunch, Mom said the kids could go and",
        "Jack had many toys. He liked to",
        "The girl went to the park with her friends. They",
        "Spot the puppy was happy. He wanted to",
        "Once upon a time, there was a little girl named Lily. She loved to",
        "Sam found a big box. He and his sister",
        "On a rainy day, Timmy stayed inside and",
        "The kids built a sand castle at the beach and",
        "Lily had a doll. She",
        "Tom saw his friends in the park. He ran to them and asked, \"Can I",
        "\"Let's go outside!\" said Ben. \"We can",
        "Every morning, the little bird would sing and",
        "The boy had a new game. He wanted to",
        "Amy liked to go to the park. She liked to",
        "Timmy and his dog",
        "In the garden, the children",
        "Lily's favorite thing to do was to",
        "The cat and the dog were friends. They liked to",
        "Ben wanted to go outside, but Mom said",
        "Lily and Tom found a ball in the grass. They",
        "One day, a little boy named Tim went to the park. He saw",
        "Grandma gave Sue a new toy. Sue",
        "The friends were bored. Tim said, \"Let's",
        "At the park, there was a big slide. The kids",
        "Once upon a time, there was a boy who liked to",
        "It was a sunny day. Tom and his friends went outside to",
        "The sun was shining. The children went outside to",
        "Lily and Ben were friends. They liked to",
        "The two puppies were friends. They liked to",
        "It was a nice day, so Mom let the kids go out to",
        "One day, Ben went to the park to",
        "One day, Sue and her brother went to the garden to",
        "After breakfast, Tim ran outside to",
        "The boy and the girl were friends. They liked to",
        "Tom had a red ball. He liked to",
        "Lucy and her cat liked to",
        "It was a warm day. The kids went to the beach to",
    ];

    public static IReadOnlyList<string> StoryOpeners { get; } =
    [
        "Once upon a time",
        "One day,",
        "Tom",
        "Lily",
        "There was a",
        "The sun",
        "Sam and Ben",
        "Mom",
        "A little bird",
        "It was",
    ];
}
