// vcsim for Duplex's VMware plug-in tests: VMware's vSphere simulator (govmomi's simulator package, from Debian's
// golang-github-vmware-govmomi-dev) serving the vim25 SOAP API at /sdk over TLS, plus a stand-in for VMware Tools
// inside each guest (vcsim 0.24 reports tools "not running" for every VM unless it runs one as a Docker container).
//
// It prints, one per line: "URL <sdk url>", "THUMBPRINT <SHA-256 of the certificate, AA:BB:...>", "READY"; it
// exits when stdin is closed (so a test JVM that dies takes it along) or on SIGTERM.
package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (port 0: a free port)")
	user := flag.String("user", "duplex", "the only user name accepted")
	pass := flag.String("pass", "secret", "its password")
	plain := flag.Bool("http", false, "serve plain HTTP instead of TLS")
	idle := flag.Duration("session-idle", 0, "expire sessions idle this long (0: never)")
	boot := flag.Duration("boot", 300*time.Millisecond, "how long after power-on a guest's tools report running")
	noTools := flag.String("no-tools", "", "comma-separated VM names whose guest never starts tools")
	flag.Parse()

	if *idle > 0 {
		simulator.SessionIdleTimeout = *idle
	}
	model := simulator.VPX()
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: model:", err)
		os.Exit(1)
	}
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *pass)}
	if !*plain {
		model.Service.TLS = new(tls.Config)
	}
	server := model.Service.NewServer()

	sdk := *server.URL
	sdk.User = nil
	fmt.Println("URL", sdk.String())
	if !*plain {
		sum := sha256.Sum256(server.Certificate().Raw)
		hex := make([]string, len(sum))
		for i, b := range sum {
			hex[i] = fmt.Sprintf("%02X", b)
		}
		fmt.Println("THUMBPRINT", strings.Join(hex, ":"))
	}
	fmt.Println("READY")

	without := map[string]bool{}
	for _, n := range strings.Split(*noTools, ",") {
		if n != "" {
			without[n] = true
		}
	}
	go guests(*boot, without)

	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
		close(done)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
	server.Close()
	model.Remove()
}

// guests plays VMware Tools in every powered-on VM: after the boot delay the tools run, the guest has an IP address
// and a green heartbeat; a powered-off VM has none of them.
func guests(boot time.Duration, without map[string]bool) {
	for range time.Tick(50 * time.Millisecond) {
		for _, e := range simulator.Map.All("VirtualMachine") {
			vm, ok := e.(*simulator.VirtualMachine)
			if !ok {
				continue
			}
			simulator.Map.WithLock(vm, func() { guest(vm, boot, without[vm.Name]) })
		}
	}
}

func guest(vm *simulator.VirtualMachine, boot time.Duration, noTools bool) {
	if vm.Guest == nil {
		vm.Guest = &types.GuestInfo{}
	}
	up := vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn && !noTools &&
		vm.Runtime.BootTime != nil && time.Since(*vm.Runtime.BootTime) >= boot
	if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn && vm.Runtime.BootTime == nil {
		now := time.Now().Add(-boot) // powered on by the model at creation: booted long ago
		vm.Runtime.BootTime = &now
		up = !noTools
	}
	if up {
		vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
		vm.Guest.ToolsStatus = types.VirtualMachineToolsStatusToolsOk
		vm.Guest.GuestState = "running"
		vm.Guest.IpAddress = "10.0.0." + fmt.Sprint(2+len(vm.Name)%200)
		vm.Summary.QuickStats.GuestHeartbeatStatus = types.ManagedEntityStatusGreen
	} else {
		vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)
		vm.Guest.GuestState = "notRunning"
		vm.Guest.IpAddress = ""
		vm.Summary.QuickStats.GuestHeartbeatStatus = types.ManagedEntityStatusGray
	}
}
