export function loader() {
  return new Response("Being built.", { status: 503 });
}
