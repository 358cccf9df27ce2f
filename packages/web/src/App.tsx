import { Anchor, Container, Stack, Text, Title } from '@mantine/core';

/** Placeholder until the dashboard lands: tells a newcomer where things are. */
export function App() {
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Title order={1}>Pulse</Title>
        <Text>Usage, cost and performance analytics for your AI agents.</Text>
        <Text>
          API reference: <Anchor href="/api/docs">/api/docs</Anchor> · OpenAPI:{' '}
          <Anchor href="/api/openapi.json">/api/openapi.json</Anchor>
        </Text>
      </Stack>
    </Container>
  );
}
