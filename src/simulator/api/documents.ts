import { strToU8, zipSync } from 'fflate';
import { ApiError, route, type Route, type SimRequest, type SimResponse } from '../http.js';
import type { SimItem } from '../model.js';
import type { Simulation } from '../simulation.js';

/** The simulator's stand-ins for S3 presigned URLs (documents) and Amazon Custom's zip host. */

function s3Error(status: number, code: string, message: string): SimResponse {
  return {
    status,
    raw: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    contentType: 'application/xml',
  };
}

function checkUrl(sim: Simulation, request: SimRequest, direction: string): SimResponse | undefined {
  const expires = Number(request.query.get('Expires'));
  if (request.query.get('direction') !== direction || !Number.isFinite(expires)) {
    return s3Error(
      403,
      'AccessDenied',
      'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    );
  }
  if (sim.now().getTime() > expires) return s3Error(403, 'AccessDenied', 'Request has expired');
  return undefined;
}

function download(sim: Simulation, request: SimRequest): SimResponse {
  const refused = checkUrl(sim, request, 'download');
  if (refused) return refused;
  const document = sim.store.documents.get(request.params.documentId ?? '');
  if (!document?.content) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  return {
    status: 200,
    raw: document.content,
    contentType: document.compressed ? 'application/octet-stream' : document.contentType,
  };
}

function upload(sim: Simulation, request: SimRequest): SimResponse {
  const refused = checkUrl(sim, request, 'upload');
  if (refused) return refused;
  const document = sim.store.documents.get(request.params.documentId ?? '');
  if (!document || document.purpose !== 'feed-input')
    return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  const sentType = String(request.headers['content-type'] ?? '');
  if (sentType.replace(/\s/g, '').toLowerCase() !== document.contentType.replace(/\s/g, '').toLowerCase()) {
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  document.content = request.body;
  return { status: 200 };
}

/** Amazon Custom's customization data (version 3.0 JSON) for one item. */
export function customizationJson(item: SimItem): Record<string, unknown> {
  const text = `Happy ${['Birthday', 'Anniversary', 'Holidays'][item.orderItemId.charCodeAt(13) % 3] ?? 'Birthday'}!`;
  return {
    version: '3.0',
    orderId: '',
    orderItemId: item.orderItemId,
    asin: item.asin,
    quantity: item.quantity,
    customizationInfo: {
      'version3.0': {
        surfaces: [
          {
            name: 'Surface 1',
            areas: [
              {
                customizationType: 'TextPrinting',
                name: 'Engraving',
                label: 'Engraving text',
                text,
                fontFamily: 'Roboto',
                colorName: 'Black',
                fill: '#000000',
              },
            ],
          },
        ],
      },
    },
  };
}

function customization(sim: Simulation, request: SimRequest): SimResponse {
  sim.now();
  const itemId = request.params.orderItemId ?? '';
  for (const order of sim.store.orders.values()) {
    const item = order.items.find((candidate) => candidate.orderItemId === itemId && candidate.customized);
    if (!item) continue;
    const data = { ...customizationJson(item), orderId: order.orderId };
    const zip = zipSync({ [`${itemId}.json`]: strToU8(JSON.stringify(data, null, 2)) });
    return { status: 200, raw: Buffer.from(zip), contentType: 'application/zip' };
  }
  throw new ApiError(404, 'NotFound', `No customization for order item ${itemId}.`);
}

export const documentRoutes: Route[] = [
  route('GET', '/_sim/documents/{documentId}', 'document', 'downloadDocument', download),
  route('PUT', '/_sim/documents/{documentId}', 'document', 'uploadFeedDocument', upload),
  route('GET', '/_sim/customizations/{orderItemId}.zip', 'document', 'downloadCustomization', customization),
];
