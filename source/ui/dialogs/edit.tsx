import {Text} from 'ink';
import {useState} from 'react';
import {Buttons, Checkbox} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {MultiSelect, multiSelectReducer, type MultiSelectState} from '../components/multi-select.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {isCommand} from '../keymap.js';
import {sanitize} from '../../text/sanitize.js';
import {useKeys} from '../hooks/use-keys.js';

const FIELDS = ['roles', 'active', 'cancel', 'save'] as const;

export interface EditProps {
	appKey: string;
	name: string;
	roles: readonly string[];
	/** Without `active` there is no Activate checkbox (external keys). */
	current: {roles: readonly string[]; active?: boolean};
	title?: string;
	width: number;
	listHeight: number;
	busy: boolean;
	error: string | null;
	onSave(input: {roles: string[]; active?: boolean}): void;
	onCancel(): void;
}

/** `now` with the changes the person made to `shown` (roles added, roles taken away). */
export function rebaseRoles(chosen: readonly string[], shown: readonly string[], now: readonly string[]): string[] {
	const added = chosen.filter(r => !shown.includes(r));
	const removed = shown.filter(r => !chosen.includes(r));
	return [...now.filter(r => !removed.includes(r)), ...added.filter(r => !now.includes(r))];
}

/** Edit: the key's roles and its Activate checkbox, then Save. */
export function EditDialog({appKey, name, roles, current, title, width, listHeight, busy, error, onSave, onCancel}: EditProps) {
	const options = [...roles, ...current.roles.filter(r => !roles.includes(r))];
	const [pick, setPick] = useState<MultiSelectState>({cursor: 0, selected: new Set(current.roles)});
	const [active, setActive] = useState(current.active ?? true);
	// After a conflict `current` is the key as it is now: the person's own changes go on top of it.
	const [basis, setBasis] = useState(current);
	if (basis !== current) {
		setBasis(current);
		setPick(p => ({...p, selected: new Set(rebaseRoles([...p.selected], basis.roles, current.roles))}));
		if (active === basis.active) setActive(current.active ?? true);
	}
	const withActive = current.active !== undefined;
	const focus = useFocusRing(withActive ? FIELDS : FIELDS.filter(f => f !== 'active'), 'roles');
	const save = () => onSave({roles: options.filter(r => pick.selected.has(r)), ...(withActive ? {active} : {})});

	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (key.tab) return key.shift ? focus.previous() : focus.next();
			if (focus.field === 'roles') {
				if (key.upArrow) return setPick(s => multiSelectReducer(s, options, 'up'));
				if (key.downArrow) return pick.cursor >= options.length - 1 ? focus.next() : setPick(s => multiSelectReducer(s, options, 'down'));
				if (input === ' ') return setPick(s => multiSelectReducer(s, options, 'toggle'));
				if (key.return) return save();
				return;
			}
			if (focus.field === 'active' && (input === ' ' || key.return)) return setActive(a => !a);
			if (key.leftArrow || key.upArrow) return focus.previous();
			if (key.rightArrow || key.downArrow) return focus.next();
			if (key.return) return focus.field === 'cancel' ? onCancel() : save();
		},
		{isActive: !busy},
	);

	return (
		<DialogFrame title={title ?? `Edit ${appKey}`} width={width} error={error}>
			{name ? <Text>{sanitize(name)}</Text> : null}
			<MultiSelect label="Roles" options={options.map(value => ({value}))} state={pick} focused={focus.field === 'roles'} height={listHeight} width={width - 4} />
			{withActive ? (
				<>
					<Text> </Text>
					<Checkbox label="Activate" checked={active} focused={focus.field === 'active'} />
				</>
			) : null}
			<Buttons
				buttons={[{label: 'Cancel'}, {label: busy ? 'Saving…' : 'Save', disabled: busy}]}
				focused={focus.field === 'cancel' ? 0 : focus.field === 'save' ? 1 : null}
			/>
		</DialogFrame>
	);
}
