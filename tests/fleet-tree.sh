# tests/fleet-tree.sh - a pxe tree with a fleet, written by hand in the
# layout of the fleet contract (docs/fleet.md), for tests that need one
# without a build (sourced).  fleet_tree OUTDIR LOADER: OUTDIR/pxe with
# machines/fleet.tsv (LAB-01: two MACs, wipe; sn-XYZ: keep), each MAC's three
# variants holding "VARIANT MAC", and the live entries of waiting machines.
fleet_tree() {
	_o=$1 _l=$2
	_x=cfg; [ "$_l" = ipxe ] && _x=ipxe
	mkdir -p "$_o/pxe/machines" "$_o/pxe/pxelinux.cfg"
	printf '# peforge fleet: written by peforge build (pxe output); do not edit\nloader\t%s\nknown\tinstall\nunknown\tlocal\nmachine\t52-54-00-12-34-56\tLAB-01\twipe\nmachine\t52-54-00-12-34-57\tLAB-01\twipe\nmachine\t52-54-00-aa-bb-cc\tsn-XYZ\tkeep\n' "$_l" >"$_o/pxe/machines/fleet.tsv"
	for _m in 52-54-00-12-34-56 52-54-00-12-34-57 52-54-00-aa-bb-cc; do
		for _v in install menu local; do
			echo "$_v $_m" >"$_o/pxe/machines/$_m.$_v.$_x"
		done
		if [ "$_l" = ipxe ]; then
			cp "$_o/pxe/machines/$_m.install.$_x" "$_o/pxe/machines/$_m.ipxe"
		else
			cp "$_o/pxe/machines/$_m.install.$_x" "$_o/pxe/pxelinux.cfg/01-$_m"
		fi
	done
}
