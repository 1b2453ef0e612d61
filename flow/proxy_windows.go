//go:build windows

package flow

import "golang.org/x/sys/windows/registry"

// windowsProxy reads the current user's proxy setting (Settings > Network &
// internet > Proxy > "Use a proxy server").
func windowsProxy() (systemProxy, bool) {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows\CurrentVersion\Internet Settings`, registry.QUERY_VALUE)
	if err != nil {
		return systemProxy{}, false
	}
	defer k.Close()
	if enabled, _, err := k.GetIntegerValue("ProxyEnable"); err != nil || enabled == 0 {
		return systemProxy{}, false
	}
	server, _, err := k.GetStringValue("ProxyServer")
	if err != nil {
		return systemProxy{}, false
	}
	override, _, _ := k.GetStringValue("ProxyOverride")
	return parseWindowsProxy(server, override)
}
