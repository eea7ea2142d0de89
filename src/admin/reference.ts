import type { OpenAPIV3 } from 'openapi-types';
import { document, html, type Html } from './html.js';
import type { ZodServer } from './types.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The OpenAPI document as one HTML page: every operation, its parameters and its request body schema. */
export function renderReference(spec: OpenAPIV3.Document): string {
  const operations: Html[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as OpenAPIV3.ParameterObject[];
      const body = (operation.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content[
        'application/json'
      ]?.schema;
      operations.push(
        html`<section id="${method}-${path}">
          <h3><code>${method.toUpperCase()} ${path}</code></h3>
          <p>${operation.summary ?? ''}</p>
          ${operation.description ? html`<p class="muted">${operation.description}</p>` : ''}
          ${
            parameters.length > 0
              ? html`<table>
                  <tr>
                    <th>parameter</th>
                    <th>in</th>
                    <th>required</th>
                    <th>schema</th>
                    <th>description</th>
                  </tr>
                  ${parameters.map(
                    (p) =>
                      html`<tr>
                        <td><code>${p.name}</code></td>
                        <td>${p.in}</td>
                        <td>${p.required ? 'yes' : 'no'}</td>
                        <td><code>${JSON.stringify(p.schema ?? {})}</code></td>
                        <td>${p.description ?? ''}</td>
                      </tr>`,
                  )}
                </table>`
              : ''
          }
          ${
            body
              ? html`<p>request body (JSON):</p>
                  <pre>${JSON.stringify(body, null, 2)}</pre>`
              : ''
          }
        </section>`,
      );
    }
  }
  return document(
    'API reference',
    html`<h1>${spec.info.title} ${spec.info.version}</h1>
      <p>${spec.info.description ?? ''}</p>
      <p>The machine-readable document: <code>GET /api/openapi.json</code>.</p>
      ${operations}`,
  );
}

/** `/api/openapi.json` (generated from the routes' zod schemas) and `/api/reference` (rendered here). */
export function registerReference(server: ZodServer): void {
  const spec = () => server.swagger() as OpenAPIV3.Document;
  server.get('/api/openapi.json', { schema: { hide: true } }, async () => spec());
  server.get('/api/reference', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderReference(spec())),
  );
}
