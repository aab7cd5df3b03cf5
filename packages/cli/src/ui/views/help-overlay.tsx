/** The `?` help: every key of the current view and the global ones, from the same table the handlers follow. */
import { Box, Text } from 'ink';
import { GLOBAL_KEYS, VIEW_KEYS, VIEW_TITLES, type KeyHelp, type ViewName } from '../keys.js';
import { useTheme } from '../theme.js';

export function HelpOverlay({ view, width }: { view: ViewName; width: number }) {
  const theme = useTheme();
  const keyWidth = Math.max(...[...VIEW_KEYS[view], ...GLOBAL_KEYS].map((k) => k.keys.length)) + 2;
  const row = (k: KeyHelp) => (
    <Text key={k.keys} wrap="truncate-end">
      <Text bold color={theme.fg('cyan')}>{`  ${k.keys.padEnd(keyWidth)}`}</Text>
      {k.does}
    </Text>
  );
  return (
    <Box flexDirection="column" width={Math.min(width, 96)} borderStyle="round" paddingX={1}>
      <Text bold>{`keys: ${VIEW_TITLES[view]} view`}</Text>
      {VIEW_KEYS[view].map(row)}
      <Text bold>everywhere</Text>
      {GLOBAL_KEYS.map(row)}
      <Text color={theme.fg('gray')}>
        {view === 'browser' ? 'Colours follow NO_COLOR; the layout follows the window size. ' : ''}? or Esc closes this help.
      </Text>
    </Box>
  );
}
