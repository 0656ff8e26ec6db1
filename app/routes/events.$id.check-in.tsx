export default function Placeholder() {
  return <p>Being built.</p>;
}
