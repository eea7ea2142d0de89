/** Amazon's XML ProcessingReport, the result document of an XML feed. */

export interface MessageResult {
  messageId: string;
  resultCode: 'Error' | 'Warning';
  messageCode: number;
  description: string;
  amazonOrderId?: string;
  amazonOrderItemCode?: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function resultXml(result: MessageResult): string {
  const info: string[] = [];
  if (result.amazonOrderId !== undefined)
    info.push(`<AmazonOrderID>${escapeXml(result.amazonOrderId)}</AmazonOrderID>`);
  if (result.amazonOrderItemCode !== undefined) {
    info.push(`<AmazonOrderItemCode>${escapeXml(result.amazonOrderItemCode)}</AmazonOrderItemCode>`);
  }
  return [
    '      <Result>',
    `        <MessageID>${escapeXml(result.messageId)}</MessageID>`,
    `        <ResultCode>${result.resultCode}</ResultCode>`,
    `        <ResultMessageCode>${result.messageCode}</ResultMessageCode>`,
    `        <ResultDescription>${escapeXml(result.description)}</ResultDescription>`,
    ...(info.length > 0 ? [`        <AdditionalInfo>${info.join('')}</AdditionalInfo>`] : []),
    '      </Result>',
  ].join('\n');
}

export function writeProcessingReport(
  merchantId: string,
  transactionId: string,
  processed: number,
  results: MessageResult[],
): string {
  const withError = new Set(results.filter((r) => r.resultCode === 'Error').map((r) => r.messageId)).size;
  const withWarning = new Set(results.filter((r) => r.resultCode === 'Warning').map((r) => r.messageId)).size;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">',
    `  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>${escapeXml(merchantId)}</MerchantIdentifier></Header>`,
    '  <MessageType>ProcessingReport</MessageType>',
    '  <Message>',
    '    <MessageID>1</MessageID>',
    '    <ProcessingReport>',
    `      <DocumentTransactionID>${transactionId}</DocumentTransactionID>`,
    '      <StatusCode>Complete</StatusCode>',
    '      <ProcessingSummary>',
    `        <MessagesProcessed>${processed}</MessagesProcessed>`,
    `        <MessagesSuccessful>${Math.max(0, processed - withError)}</MessagesSuccessful>`,
    `        <MessagesWithError>${withError}</MessagesWithError>`,
    `        <MessagesWithWarning>${withWarning}</MessagesWithWarning>`,
    '      </ProcessingSummary>',
    ...results.map(resultXml),
    '    </ProcessingReport>',
    '  </Message>',
    '</AmazonEnvelope>',
    '',
  ].join('\n');
}
