/** The ~200-byte JSON document every benchmark upstream answers (the Node one and the nginx one). */
export const ITEM_BODY = JSON.stringify({
  id: 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'benchmark item',
  tags: ['alpha', 'beta', 'gamma'],
  price: 1234.5,
  stock: 42,
  active: true,
  updatedAt: '2030-01-01T00:00:00.000Z',
  note: 'a small JSON payload for proxy benchmarks',
});
