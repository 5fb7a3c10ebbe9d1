import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { regionOf } from '../support/docRegions';

const root = join(__dirname, '..', '..');
import { main } from '../../examples/quickstart/quickstart';

describe('README', () => {
  it('shows the quickstart from examples/quickstart/quickstart.ts (checked by samples.unit.test.ts)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('<!-- region: examples/quickstart/quickstart.ts#quickstart -->');
    expect(
      (
        regionOf(readFileSync(join(root, 'examples/quickstart/quickstart.ts'), 'utf8'), 'quickstart') ?? ''
      ).split('\n').length,
    ).toBeLessThanOrEqual(40);
  });

  it('shows a quickstart that runs main() when saved and run as a script', () => {
    const region =
      regionOf(readFileSync(join(root, 'examples/quickstart/quickstart.ts'), 'utf8'), 'quickstart') ?? '';
    expect(region).toMatch(/^if \(require\.main === module\) void main\(\);/m);
  });

  it('runs the quickstart: a command sent, a query answered', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect(main()).resolves.toBe(1);
    expect(log).toHaveBeenCalledWith('c1 = 1');
    log.mockRestore();
  });
});
