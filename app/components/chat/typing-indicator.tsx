/** "Ana is typing…", "Ana and Beto are typing…", "3 people are typing…". Empty when nobody is. */
export function typingText(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

export function TypingIndicator({ names }: { names: string[] }) {
  const text = typingText(names);
  return (
    <p data-testid="typing" className="h-5 px-4 text-xs italic text-stone-600" aria-live="polite">
      {text}
    </p>
  );
}
