/**
 * The minimal Adaptive Card 1.5 types Watchstander emits, and small constructors for the shapes it repeats.
 *
 * Constructors take our own text: callers pass Defender or Teams text through `escapeText` first.
 */
import type { ExecuteAction } from './verbs';

/** `$schema` of every card. */
export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

/** The Adaptive Card version Watchstander emits; Teams renders at most 1.5. */
export const CARD_VERSION = '1.5';

/** TextBlock colors. */
export type TextColor = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
/** Container styles. */
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
/** Spacing above an element. */
export type Spacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';

/** Properties every element may carry. */
export interface ElementBase {
  id?: string;
  spacing?: Spacing;
  separator?: boolean;
  /** What a client that does not know this element renders instead. */
  fallback?: CardElement | 'drop';
}

/** Options of a TextBlock. */
export interface TextOptions {
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: TextColor;
  isSubtle?: boolean;
  wrap?: boolean;
  maxLines?: number;
  style?: 'default' | 'heading';
  spacing?: Spacing;
  separator?: boolean;
  horizontalAlignment?: 'Left' | 'Center' | 'Right';
}

/** `TextBlock`. */
export interface TextBlock extends ElementBase, TextOptions {
  type: 'TextBlock';
  text: string;
}

/** `Container`. */
export interface Container extends ElementBase {
  type: 'Container';
  items: CardElement[];
  style?: ContainerStyle;
  bleed?: boolean;
}

/** `Column` of a ColumnSet. */
export interface Column {
  type: 'Column';
  items: CardElement[];
  width?: 'auto' | 'stretch' | number;
  verticalContentAlignment?: 'Top' | 'Center' | 'Bottom';
  spacing?: Spacing;
}

/** `ColumnSet`. */
export interface ColumnSet extends ElementBase {
  type: 'ColumnSet';
  columns: Column[];
}

/** One FactSet line. */
export interface Fact {
  title: string;
  value: string;
}

/** `FactSet`. */
export interface FactSet extends ElementBase {
  type: 'FactSet';
  facts: Fact[];
}

/** `ActionSet`. */
export interface ActionSet extends ElementBase {
  type: 'ActionSet';
  actions: CardButton[];
}

/** `TableCell`. */
export interface TableCell {
  type: 'TableCell';
  items: CardElement[];
}

/** `TableRow`. */
export interface TableRow {
  type: 'TableRow';
  cells: TableCell[];
  style?: ContainerStyle;
}

/** `Table` (Adaptive Cards 1.5). */
export interface Table extends ElementBase {
  type: 'Table';
  columns: { width: number }[];
  rows: TableRow[];
  firstRowAsHeader?: boolean;
  showGridLines?: boolean;
}

/** A Teams chart element (`Chart.Donut`, `Chart.Gauge`, `Chart.Line`, …); always built with a fallback. */
export interface ChartElement extends ElementBase {
  type: `Chart.${string}`;
  fallback: CardElement;
  [property: string]: unknown;
}

/** One choice of an `Input.ChoiceSet`. */
export interface Choice {
  title: string;
  value: string;
}

/** `Input.ChoiceSet` (a drop-down unless `style` says otherwise); its value goes into the button's `data`. */
export interface ChoiceSetInput extends ElementBase {
  type: 'Input.ChoiceSet';
  id: string;
  label?: string;
  choices: Choice[];
  value?: string;
  placeholder?: string;
  isRequired?: boolean;
  errorMessage?: string;
  style?: 'compact' | 'expanded' | 'filtered';
}

/** `Input.Text`; its value goes into the button's `data`. */
export interface TextInput extends ElementBase {
  type: 'Input.Text';
  id: string;
  label?: string;
  placeholder?: string;
  value?: string;
  maxLength?: number;
  isMultiline?: boolean;
  isRequired?: boolean;
}

/** Any element Watchstander puts in a card body. */
export type CardElement =
  | TextBlock
  | Container
  | ColumnSet
  | FactSet
  | ActionSet
  | Table
  | ChartElement
  | ChoiceSetInput
  | TextInput;

/** `Action.OpenUrl`. */
export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

/** `Action.ShowCard`: buttons folded behind one title. */
export interface ShowCardAction {
  type: 'Action.ShowCard';
  title: string;
  card: { type: 'AdaptiveCard'; body: CardElement[]; actions?: CardButton[] };
}

/** Any button Watchstander puts on a card. */
export type CardButton = ExecuteAction | OpenUrlAction | ShowCardAction;

/** A complete Adaptive Card. */
export interface AdaptiveCard {
  $schema: typeof CARD_SCHEMA;
  type: 'AdaptiveCard';
  version: typeof CARD_VERSION;
  msteams?: { width: 'Full' };
  body: CardElement[];
  actions?: CardButton[];
}

/** A wrapping TextBlock. */
export function textBlock(text: string, options: TextOptions = {}): TextBlock {
  return { type: 'TextBlock', text, wrap: true, ...options };
}

/** A small, subtle TextBlock for secondary information. */
export function subtleText(text: string, options: TextOptions = {}): TextBlock {
  return textBlock(text, { isSubtle: true, size: 'Small', spacing: 'None', ...options });
}

/** The title of a card. */
export function cardTitle(text: string): TextBlock {
  return textBlock(text, { size: 'Large', weight: 'Bolder', style: 'heading' });
}

/** A `title: value` line for a FactSet. */
export function fact(title: string, value: string): Fact {
  return { title, value };
}

/** A FactSet of the given facts. */
export function factSet(facts: Fact[], options: Pick<ElementBase, 'spacing' | 'separator'> = {}): FactSet {
  return { type: 'FactSet', facts, ...options };
}

/** A Container. */
export function container(items: CardElement[], options: Omit<Partial<Container>, 'type' | 'items'> = {}): Container {
  return { type: 'Container', items, ...options };
}

/** A Column. */
export function column(
  items: CardElement[],
  width: Column['width'] = 'stretch',
  options: Omit<Partial<Column>, 'type' | 'items' | 'width'> = {},
): Column {
  return { type: 'Column', width, items, ...options };
}

/** A ColumnSet. */
export function columnSet(columns: Column[], options: Pick<ElementBase, 'spacing' | 'separator'> = {}): ColumnSet {
  return { type: 'ColumnSet', columns, ...options };
}

/** An ActionSet. */
export function actionSet(actions: CardButton[], options: Pick<ElementBase, 'spacing' | 'separator'> = {}): ActionSet {
  return { type: 'ActionSet', actions, ...options };
}

/** An `Action.OpenUrl` button. */
export function openUrl(title: string, url: string): OpenUrlAction {
  return { type: 'Action.OpenUrl', title, url };
}

/** An `Action.ShowCard` button revealing `actions` (and optional lines above them). */
export function showCard(title: string, actions: CardButton[], body: CardElement[] = []): ShowCardAction {
  return { type: 'Action.ShowCard', title, card: { type: 'AdaptiveCard', body, actions } };
}

/** One table cell: our text, or elements. */
export type CellContent = string | TextBlock | CardElement[];

function cell(content: CellContent): TableCell {
  const items = typeof content === 'string' ? [textBlock(content)] : Array.isArray(content) ? content : [content];
  return { type: 'TableCell', items };
}

/** A Table with a header row; `widths` are relative column widths. */
export function table(headers: string[], rows: CellContent[][], widths: number[] = headers.map(() => 1)): Table {
  return {
    type: 'Table',
    columns: widths.map((width) => ({ width })),
    firstRowAsHeader: true,
    showGridLines: false,
    rows: [
      { type: 'TableRow', cells: headers.map((h) => cell(textBlock(h, { weight: 'Bolder' }))) },
      ...rows.map((cells): TableRow => ({ type: 'TableRow', cells: cells.map(cell) })),
    ],
  };
}
