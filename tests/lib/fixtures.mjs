// Content used by several API test files (importing a test file would run its tests again).

export const steps = [
  { kind: 'post', title: 'Welcome', body: 'A quick look around.' },
  { body: 'Export your data here.', selector: '#export', placement: 'below' },
  { body: 'Plans live on the billing page.', selector: '#plans', page: '/billing', advance: 'click' },
];

export const questions = [
  { id: 'nps', type: 'nps', prompt: 'How likely are you to recommend us?', required: true, storeAsAttribute: 'nps_score' },
  { id: 'why', type: 'long_text', prompt: 'What is the main reason?' },
  { id: 'features', type: 'multiple_choice', prompt: 'What do you use?', options: ['Reports', 'Chat', 'Tours'], multiple: true },
  { id: 'role', type: 'dropdown', prompt: 'Your role', options: ['Developer', 'Manager'] },
  { id: 'ease', type: 'numeric_scale', prompt: 'How easy was setup?', start: 1, end: 7, lowLabel: 'Hard', highLabel: 'Easy' },
  { id: 'stars', type: 'star_rating', prompt: 'Rate the docs' },
  { id: 'mood', type: 'emoji_rating', prompt: 'How do you feel?', count: 3 },
  { id: 'name', type: 'short_text', prompt: 'Your name?' },
];

export const checklistContent = {
  title: 'Get started',
  description: 'Three steps to your first report',
  tasks: [
    { id: 'profile', title: 'Fill in your profile' },
    { id: 'invite', title: 'Invite a teammate', completion: { type: 'event', name: 'teammate_invited' } },
    { id: 'logo', title: 'Upload a logo', completion: { type: 'attribute', key: 'has_logo' }, action: { type: 'open_url', url: 'https://acme.test/settings/logo' } },
  ],
};
