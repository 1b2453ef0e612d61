package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf16"
)

// What a Windows .exe we ship must carry besides an icon (issue 14).
var (
	// wantIconSizes are the images Explorer and the taskbar pick from at
	// 100-200 % scaling; 256 is stored as 0 in the directory.
	wantIconSizes = []int{16, 24, 32, 48, 256}
	// wantStrings are the version resource's text fields a user sees in
	// Properties > Details, and that SmartScreen and support tools read.
	wantStrings = []string{"CompanyName", "FileDescription", "FileVersion", "LegalCopyright",
		"OriginalFilename", "ProductName", "ProductVersion"}
)

const (
	win10SupportedOS = "{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}" // Windows 10 and 11
	vsFixedSignature = 0xFEEF04BD
	vosNTWindows32   = 0x40004
	vftApp           = 1
)

// resources returns the data of every resource of type typ (all names, all
// languages). root is the resource section from its directory's start, at
// image address rootRVA; data entries hold image addresses.
func resources(f *pe.File, root []byte, typ uint32) ([][]byte, error) {
	var out [][]byte
	var walk func(off, depth int) error
	walk = func(off, depth int) error {
		named, ids, err := dirHeader(root, off)
		if err != nil {
			return err
		}
		for i := range named + ids {
			e := off + 16 + 8*i
			name := binary.LittleEndian.Uint32(root[e:])
			target := binary.LittleEndian.Uint32(root[e+4:])
			if depth == 0 && name != typ {
				continue
			}
			if target&0x80000000 != 0 {
				if depth >= 2 {
					return errors.New("resource directory nested deeper than type, name and language")
				}
				if err := walk(int(target&0x7fffffff), depth+1); err != nil {
					return err
				}
				continue
			}
			d := int(target)
			if d+16 > len(root) {
				return fmt.Errorf("resource data entry at offset %d is outside the resource section", d)
			}
			rva := binary.LittleEndian.Uint32(root[d:])
			size := binary.LittleEndian.Uint32(root[d+4:])
			data, err := sectionAt(f, rva)
			if err != nil {
				return err
			}
			if int(size) > len(data) {
				return fmt.Errorf("resource of %d bytes at %#x runs past its section", size, rva)
			}
			out = append(out, data[:size])
		}
		return nil
	}
	return out, walk(0, 0)
}

// versionInfo is what VS_VERSIONINFO holds that we check.
type versionInfo struct {
	FileVersion, ProductVersion [4]uint16
	FileOS, FileType            uint32
	Strings                     map[string]string
}

// vblock is one node of a version resource: wLength, wValueLength, wType,
// a UTF-16 key, a value and children, each aligned to 4 bytes.
type vblock struct {
	key      string
	value    []byte
	text     bool
	children []vblock
}

func align4(n int) int { return (n + 3) &^ 3 }

func utf16z(b []byte) (string, int) {
	var u []uint16
	i := 0
	for ; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			return string(utf16.Decode(u)), i + 2
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), len(b)
}

func parseVBlock(b []byte, off int) (vblock, int, error) {
	if off+6 > len(b) {
		return vblock{}, 0, errors.New("version resource cut short")
	}
	length := int(binary.LittleEndian.Uint16(b[off:]))
	valueLen := int(binary.LittleEndian.Uint16(b[off+2:]))
	text := binary.LittleEndian.Uint16(b[off+4:]) == 1
	end := off + length
	if length < 6 || end > len(b) {
		return vblock{}, 0, fmt.Errorf("version resource block at %d claims %d bytes, more than there are", off, length)
	}
	key, n := utf16z(b[off+6 : end])
	blk := vblock{key: key, text: text}
	p := align4(off + 6 + n)
	if text {
		valueLen *= 2 // counted in UTF-16 units
	}
	if valueLen > 0 {
		if p+valueLen > end {
			valueLen = end - p // some writers count the key too; the value ends with the block
		}
		if valueLen < 0 {
			return vblock{}, 0, fmt.Errorf("version resource block %q has a value outside it", key)
		}
		blk.value = b[p : p+valueLen]
		p = align4(p + valueLen)
	}
	for p < end {
		c, next, err := parseVBlock(b, p)
		if err != nil {
			return vblock{}, 0, err
		}
		blk.children = append(blk.children, c)
		p = align4(next)
	}
	return blk, end, nil
}

// parseVersionInfo reads a VS_VERSIONINFO resource.
func parseVersionInfo(b []byte) (*versionInfo, error) {
	root, _, err := parseVBlock(b, 0)
	if err != nil {
		return nil, err
	}
	if root.key != "VS_VERSION_INFO" {
		return nil, fmt.Errorf("version resource starts with %q, not VS_VERSION_INFO", root.key)
	}
	if len(root.value) < 52 || binary.LittleEndian.Uint32(root.value) != vsFixedSignature {
		return nil, errors.New("version resource has no VS_FIXEDFILEINFO")
	}
	u32 := func(i int) uint32 { return binary.LittleEndian.Uint32(root.value[4*i:]) }
	split := func(ms, ls uint32) [4]uint16 {
		return [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
	}
	v := &versionInfo{
		FileVersion:    split(u32(2), u32(3)),
		ProductVersion: split(u32(4), u32(5)),
		FileOS:         u32(8),
		FileType:       u32(9),
		Strings:        map[string]string{},
	}
	for _, sfi := range root.children {
		if sfi.key != "StringFileInfo" {
			continue
		}
		for _, table := range sfi.children {
			for _, s := range table.children {
				val, _ := utf16z(s.value)
				v.Strings[s.key] = val
			}
		}
	}
	return v, nil
}

// numericVersion turns 0.2.0+g1234567 into 0.2.0.0, as scripts/winres.sh does.
func numericVersion(version string) [4]uint16 {
	core, _, _ := strings.Cut(version, "+")
	core, _, _ = strings.Cut(core, "-")
	var out [4]uint16
	for i, part := range strings.SplitN(core, ".", 3) {
		var n int
		fmt.Sscanf(part, "%d", &n)
		out[i] = uint16(n)
	}
	return out
}

func dotted(v [4]uint16) string { return fmt.Sprintf("%d.%d.%d.%d", v[0], v[1], v[2], v[3]) }

// checkVersionInfo returns the problems of a version resource against the
// app version and the file's own name.
func checkVersionInfo(v *versionInfo, version, fileName string) []string {
	var problems []string
	if version != "" {
		want := numericVersion(version)
		if v.FileVersion != want {
			problems = append(problems, fmt.Sprintf("numeric FileVersion %s, want %s for version %s", dotted(v.FileVersion), dotted(want), version))
		}
		if v.ProductVersion != want {
			problems = append(problems, fmt.Sprintf("numeric ProductVersion %s, want %s for version %s", dotted(v.ProductVersion), dotted(want), version))
		}
		for _, k := range []string{"FileVersion", "ProductVersion"} {
			if got := v.Strings[k]; got != version {
				problems = append(problems, fmt.Sprintf("%s text %q, want %q (what `dcrwizard version` prints)", k, got, version))
			}
		}
	}
	if v.FileOS != vosNTWindows32 {
		problems = append(problems, fmt.Sprintf("FileOS %#x, want %#x (VOS_NT_WINDOWS32)", v.FileOS, vosNTWindows32))
	}
	if v.FileType != vftApp {
		problems = append(problems, fmt.Sprintf("FileType %d, want %d (VFT_APP)", v.FileType, vftApp))
	}
	for _, k := range wantStrings {
		if strings.TrimSpace(v.Strings[k]) == "" {
			problems = append(problems, fmt.Sprintf("version resource lacks %s", k))
		}
	}
	if fileName != "" && v.Strings["OriginalFilename"] != "" && !strings.EqualFold(v.Strings["OriginalFilename"], fileName) {
		problems = append(problems, fmt.Sprintf("OriginalFilename %q, but the file is %q", v.Strings["OriginalFilename"], fileName))
	}
	return problems
}

// iconSizes lists the image sizes of an RT_GROUP_ICON (GRPICONDIR).
func iconSizes(b []byte) ([]int, error) {
	if len(b) < 6 {
		return nil, errors.New("icon group cut short")
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	if 6+14*n > len(b) {
		return nil, fmt.Errorf("icon group claims %d images, more than it holds", n)
	}
	var sizes []int
	for i := range n {
		w := int(b[6+14*i])
		if w == 0 {
			w = 256
		}
		sizes = append(sizes, w)
	}
	slices.Sort(sizes)
	return sizes, nil
}

// checkManifest returns the problems of an application manifest.
func checkManifest(b []byte) []string {
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []string
	perMonitorV2, win10 := false, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return []string{fmt.Sprintf("manifest is not well-formed XML: %v", err)}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if t.Name.Local == "supportedOS" {
				for _, a := range t.Attr {
					if a.Name.Local == "Id" && strings.EqualFold(a.Value, win10SupportedOS) {
						win10 = true
					}
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == "dpiAwareness" {
				for _, v := range strings.Split(string(t), ",") {
					perMonitorV2 = perMonitorV2 || strings.EqualFold(strings.TrimSpace(v), "PerMonitorV2")
				}
			}
		}
	}
	var problems []string
	if !perMonitorV2 {
		problems = append(problems, "manifest lacks <dpiAwareness>PerMonitorV2</dpiAwareness>: Windows would bitmap-scale (blur) the window at 125-200 %")
	}
	if !win10 {
		problems = append(problems, "manifest lacks the Windows 10/11 <supportedOS Id=\""+win10SupportedOS+"\"/>")
	}
	return problems
}

// checkResourceContents checks the icon sizes, manifest and version
// resource; version "" skips comparing the version numbers.
func checkResourceContents(f *pe.File, root []byte, version, fileName string) ([]string, string, error) {
	var problems []string
	var notes []string
	groups, err := resources(f, root, rtGroupIcon)
	if err != nil {
		return nil, "", err
	}
	if len(groups) > 0 {
		sizes, err := iconSizes(groups[0])
		if err != nil {
			return nil, "", err
		}
		for _, w := range wantIconSizes {
			if !slices.Contains(sizes, w) {
				problems = append(problems, fmt.Sprintf("icon has no %d px image (it has %v): Windows would scale another size, blurred", w, sizes))
			}
		}
		notes = append(notes, fmt.Sprintf("icon sizes %v", sizes))
	}
	manifests, err := resources(f, root, rtManifest)
	if err != nil {
		return nil, "", err
	}
	if len(manifests) == 0 {
		problems = append(problems, "no manifest (RT_MANIFEST)")
	} else {
		problems = append(problems, checkManifest(manifests[0])...)
	}
	versions, err := resources(f, root, rtVersion)
	if err != nil {
		return nil, "", err
	}
	if len(versions) == 0 {
		problems = append(problems, "no version resource (RT_VERSION)")
	} else {
		v, err := parseVersionInfo(versions[0])
		if err != nil {
			return nil, "", err
		}
		problems = append(problems, checkVersionInfo(v, version, fileName)...)
		notes = append(notes, fmt.Sprintf("version %s (%s)", v.Strings["FileVersion"], dotted(v.FileVersion)))
	}
	return problems, strings.Join(notes, ", "), nil
}

// makeConsole copies the .exe at in to out with the PE header's subsystem
// set to console: the same program, which cmd and PowerShell wait for.
func makeConsole(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	off, err := subsystemOffset(b)
	if err != nil {
		return err
	}
	if got := binary.LittleEndian.Uint16(b[off:]); got != subsystemWindowsGUI {
		return fmt.Errorf("%s has subsystem %d, want %d (GUI)", in, got, subsystemWindowsGUI)
	}
	binary.LittleEndian.PutUint16(b[off:], subsystemWindowsCUI)
	return os.WriteFile(out, b, 0o755)
}

// subsystemOffset finds the Subsystem field of a PE32+ optional header.
func subsystemOffset(b []byte) (int, error) {
	if len(b) < 0x40 || b[0] != 'M' || b[1] != 'Z' {
		return 0, errors.New("not a Windows executable (no MZ header)")
	}
	peOff := int(binary.LittleEndian.Uint32(b[0x3c:]))
	opt := peOff + 4 + 20
	if opt+70 > len(b) || !bytes.Equal(b[peOff:peOff+4], []byte("PE\x00\x00")) {
		return 0, errors.New("not a Windows executable (no PE header)")
	}
	if binary.LittleEndian.Uint16(b[opt:]) != 0x20b {
		return 0, errors.New("not a 64-bit (PE32+) executable")
	}
	return opt + 68, nil
}
