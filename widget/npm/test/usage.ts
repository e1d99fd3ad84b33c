// Type-checked by `tsc -p widget/npm` (scripts/test): what an app writes compiles, and every
// `@ts-expect-error` line must be an error — if the types stop catching it, tsc fails.
import * as Porchlight from '../index.js';

Porchlight.load({ src: 'https://messenger.example.com/porchlight.js', workspaceId: 'ws_demo' });
Porchlight.boot({ workspaceId: 'ws_demo', userId: 'u_42', userHash: 'abc', attributes: { plan: 'pro', seats: 3, beta: true, tags: ['a'] } });
Porchlight.identify({ email: 'ada@example.com', userJwt: 'eyJ…' });
Porchlight.update({ plan: 'team' });
Porchlight.track('invited_teammate', { count: 2, via: 'email' });
Porchlight.showNewMessage('Hi!');
Porchlight.startTour('tur_1');
Porchlight.on('unreadCountChange', (n) => n.toFixed());
Porchlight.on('message', (m) => m.author.type === 'agent' && m.body.length);
Porchlight.on('contentShown', (c) => c.kind === 'tour' && c.id);
Porchlight.off('ready', () => {});

// @ts-expect-error an unknown event
Porchlight.on('opened', () => {});
// @ts-expect-error the handler of unreadCountChange receives a number
Porchlight.on('unreadCountChange', (n: string) => n);
// @ts-expect-error track needs a name
Porchlight.track();
// @ts-expect-error attributes hold JSON values, not functions
Porchlight.update({ plan: () => 'pro' });
// @ts-expect-error load needs the loader's src
Porchlight.load({ workspaceId: 'ws_demo' });
// @ts-expect-error there is no such command
Porchlight.open();
// @ts-expect-error a tour id is a string
Porchlight.startTour(7);
